"""Paired translation metrics: how close a translated image is to the true target.

All take float images in [-1, 1], NHWC, and return one number per call (a
mean over the batch), so they compare directly against the same metric of
the untranslated input ("do nothing" baseline).
"""

import numpy as np
import tensorflow as tf
from scipy import ndimage

__all__ = ["dark_precision", "dark_share", "mean_l1", "misplaced_dark_l1", "own_pair_share",
           "palette_distance", "psnr", "ssim", "translation_report"]

DARK_LEVEL = 0.25  # in [0, 1]: a pixel darker than this on every channel counts as outline
PAPER_LEVEL = 0.9  # in [0, 1]: a pixel lighter than this on every channel is background
PALETTE_LEVELS = 8  # quantization steps per channel of `palette_distance`'s histogram


def mean_l1(target, output) -> float:
    """Mean absolute difference per pixel and channel, on the [-1, 1] scale."""
    return float(np.mean(np.abs(np.asarray(target, np.float64) - np.asarray(output, np.float64))))


def psnr(target, output) -> float:
    """Mean over images of 10 log10(MAX^2 / MSE) with MAX = 2 (the [-1, 1] range)."""
    diff = np.asarray(target, np.float64) - np.asarray(output, np.float64)
    mse = np.mean(np.square(diff), axis=tuple(range(1, diff.ndim)))
    return float(np.mean(10.0 * np.log10(4.0 / np.maximum(mse, 1e-12))))


def ssim(target, output) -> float:
    """Mean SSIM (Wang et al. 2004; 11x11 Gaussian window, sigma 1.5) on [0, 1] images."""
    a = (tf.constant(target, tf.float32) + 1.0) / 2.0
    b = (tf.constant(output, tf.float32) + 1.0) / 2.0
    return float(tf.reduce_mean(tf.image.ssim(a, b, max_val=1.0)))


def own_pair_share(images, targets) -> float:
    """Share of images whose nearest target (Euclidean, in pixels) is their own pair, image i's
    target i: does a translation keep which emoji it is? The untranslated inputs' share is
    the baseline a translator must not fall below."""
    flat = np.asarray(images, np.float32).reshape(len(images), -1)
    reference = np.asarray(targets, np.float32).reshape(len(targets), -1)
    squared = ((flat**2).sum(1)[:, None] - 2.0 * flat @ reference.T
               + (reference**2).sum(1)[None, :])
    return float(np.mean(np.argmin(squared, axis=1) == np.arange(len(flat))))


def _is_dark(images) -> np.ndarray:
    return np.all((np.asarray(images) + 1.0) / 2.0 < DARK_LEVEL, axis=-1)


def dark_share(images) -> float:
    """Share of pixels darker than DARK_LEVEL on every channel: OpenMoji's black outlines
    make it about four times Twemoji's."""
    return float(np.mean(_is_dark(images)))


def misplaced_dark_l1(target, output) -> float:
    """The part of `mean_l1` spent on pixels the output draws dark where the target is not.

    A translator that cannot see where the target draws its outlines (an unpaired one) pays
    for every outline it guesses in the wrong place, up to 2 per pixel and channel; this
    term says how much of its L1 that is. `mean_l1` minus it is the L1 of everything else.
    """
    target = np.asarray(target, np.float64)
    output = np.asarray(output, np.float64)
    misplaced = _is_dark(output) & ~_is_dark(target)
    per_pixel = np.abs(target - output).mean(axis=-1)
    return float(np.sum(per_pixel * misplaced) / per_pixel.size)


def dark_precision(target, output, tolerance: int = 1) -> float:
    """Share of the output's dark pixels within `tolerance` pixels (a square) of a dark
    target pixel: how many of the outlines it draws are where the target has one, allowing
    for a line that is a pixel off. NaN when the output draws nothing dark."""
    drawn = _is_dark(output)
    if not drawn.any():
        return float("nan")
    square = np.ones((1, 2 * tolerance + 1, 2 * tolerance + 1), bool)
    near_target = ndimage.binary_dilation(_is_dark(target), square)
    return float(np.sum(drawn & near_target) / np.sum(drawn))


def palette_distance(images, reference) -> float:
    """Total variation distance (0 = same, 1 = disjoint) between the colour histograms of
    two image sets, counting only fill pixels (neither background nor outline) on an
    8 x 8 x 8 RGB grid.

    Outline checks say nothing about colour: a Twemoji with black lines drawn round it
    keeps Twemoji's palette. Comparing an output set's fill colours with the target
    style's, next to the input's, says whether the colours moved toward the target.
    NaN when either set has no fill pixels (an all-white image has no palette).
    """
    ours, theirs = _fill_histogram(images), _fill_histogram(reference)
    if ours is None or theirs is None:
        return float("nan")
    return float(0.5 * np.abs(ours - theirs).sum())


def _fill_histogram(images) -> np.ndarray | None:
    unit = (np.asarray(images, np.float64) + 1.0) / 2.0
    fill = ~np.all(unit > PAPER_LEVEL, axis=-1) & ~_is_dark(images)
    levels = np.clip((unit[fill] * PALETTE_LEVELS).astype(int), 0, PALETTE_LEVELS - 1)
    bins = (levels[:, 0] * PALETTE_LEVELS + levels[:, 1]) * PALETTE_LEVELS + levels[:, 2]
    if bins.size == 0:
        return None
    return np.bincount(bins, minlength=PALETTE_LEVELS**3) / bins.size


def translation_report(inputs, outputs, targets) -> dict:
    """Output vs target, next to input vs target (the baseline a translator must beat)."""
    return {
        "l1": round(mean_l1(targets, outputs), 4),
        "l1_input": round(mean_l1(targets, inputs), 4),
        "psnr": round(psnr(targets, outputs), 3),
        "psnr_input": round(psnr(targets, inputs), 3),
        "ssim": round(ssim(targets, outputs), 4),
        "ssim_input": round(ssim(targets, inputs), 4),
        "dark_share": round(dark_share(outputs), 4),
        "dark_share_target": round(dark_share(targets), 4),
        "dark_share_input": round(dark_share(inputs), 4),
        "l1_misplaced_dark": round(misplaced_dark_l1(targets, outputs), 4),
        "l1_misplaced_dark_input": round(misplaced_dark_l1(targets, inputs), 4),
        "dark_precision_1px": _rounded_or_none(dark_precision(targets, outputs)),
        "dark_precision_1px_input": _rounded_or_none(dark_precision(targets, inputs)),
        "palette_distance": _rounded_or_none(palette_distance(outputs, targets)),
        "palette_distance_input": _rounded_or_none(palette_distance(inputs, targets)),
    }


def _rounded_or_none(value: float):
    """Cards are JSON: a metric undefined for these images (NaN) is written as null."""
    return None if np.isnan(value) else round(value, 4)
