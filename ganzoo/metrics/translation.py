"""Paired translation metrics: how close a translated image is to the true target.

All take float images in [-1, 1], NHWC, and return one number per call (a
mean over the batch), so they compare directly against the same metric of
the untranslated input ("do nothing" baseline).
"""

import numpy as np
import tensorflow as tf

DARK_LEVEL = 0.25  # in [0, 1]: a pixel darker than this on every channel counts as outline


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
    }
