"""What the paired translation metrics give to simple edits of the input, with no model.

A translator is asked to beat "do nothing" (the input against the true target) on
L1, PSNR and SSIM. These baselines show how much of that the metrics reward
looking like the target style, and how much they reward staying close to the
input. On the emoji pairs, fading the input slightly toward the white background
is closer to OpenMoji than the input is. Drawing a black outline on the Twemoji's
own silhouette, the thing that makes an image look like OpenMoji, moves it
further away, because the two styles draw their outlines in different places.

    python -m ganzoo.evaluation.translation_baselines    # emoji test split, both directions
"""

import numpy as np
from scipy import ndimage

from ganzoo.metrics import palette_distance, translation_report

WHITE = 1.0  # the background both emoji styles are composited on, in [-1, 1]
INK_LEVEL = 0.9  # a pixel below this on some channel belongs to the glyph, not the background


def fade_to_white(images, amount: float) -> np.ndarray:
    """The images moved `amount` of the way toward white (0 leaves them as they are)."""
    if not 0.0 <= amount <= 1.0:
        raise ValueError(f"amount must be in [0, 1], got {amount}")
    images = np.asarray(images, np.float32)
    return (1.0 - amount) * images + amount * WHITE


def blur(images, sigma: float) -> np.ndarray:
    """A Gaussian blur of `sigma` pixels over height and width, each channel apart."""
    return ndimage.gaussian_filter(np.asarray(images, np.float32), (0, sigma, sigma, 0))


def silhouette_outline(images) -> np.ndarray:
    """The images with every glyph pixel that touches the background (8-neighbourhood)
    painted black: an outline drawn where the input's own shape ends."""
    images = np.asarray(images, np.float32)
    glyph = images.min(axis=-1) < INK_LEVEL
    inner = ndimage.binary_erosion(glyph, np.ones((1, 3, 3), bool), border_value=0)
    outlined = images.copy()
    outlined[glyph & ~inner] = -1.0
    return outlined


BASELINES = {
    "input": lambda x: np.asarray(x, np.float32),
    "all white": lambda x: np.full(np.shape(x), WHITE, np.float32),
    "faded 25% to white": lambda x: fade_to_white(x, 0.25),
    "faded 50% to white": lambda x: fade_to_white(x, 0.5),
    "blurred, sigma 1": lambda x: blur(x, 1.0),
    "blurred, sigma 2": lambda x: blur(x, 2.0),
    "black outline on the input's silhouette": silhouette_outline,
}


def baseline_reports(inputs, targets, judge=None, target_style=None) -> dict:
    """{baseline: translation_report}, plus the judged share of the target style when a
    style classifier is given."""
    from ganzoo.evaluation import style_classifier

    if judge is not None and target_style not in style_classifier.STYLES:
        raise ValueError(f"with a judge, target_style must be one of {style_classifier.STYLES}, "
                         f"got {target_style!r}")
    reports = {}
    for name, edit in BASELINES.items():
        outputs = edit(inputs)
        reports[name] = translation_report(inputs, outputs, targets)
        if judge is not None:
            reports[name][f"judged_{target_style}"] = round(
                style_classifier.style_share(judge, outputs, target_style), 4)
    return reports


def _number(value) -> str:
    return "-" if value is None else f"{value:.4f}"  # None: undefined for this edit


def main() -> dict:
    from ganzoo import datasets
    from ganzoo.evaluation import style_classifier

    pairs = datasets.load("emoji", "test")
    training = datasets.load("emoji", "train")
    judge = style_classifier.load()
    print(f"emoji test split, {len(pairs.a)} pairs")
    report = {}
    for direction in ("a2b", "b2a"):
        style = style_classifier.target_style(direction)
        report[direction] = baseline_reports(*pairs.oriented(direction), judge, style)
        print(f"\n{direction}: baseline   L1 (of it: misplaced dark)   PSNR   SSIM   dark share   "
              f"palette distance   judged {style}")
        for name, row in report[direction].items():
            print(f"  {name:42s} {row['l1']:.4f} ({row['l1_misplaced_dark']:.4f})  "
                  f"{row['psnr']:.2f}  {row['ssim']:.4f}  {row['dark_share']:.4f}  "
                  f"{_number(row['palette_distance'])}  {row[f'judged_{style}']:.0%}")
        # The floor of palette_distance: two samples of the same style, train vs test.
        floor = palette_distance(training.oriented(direction)[1], pairs.oriented(direction)[1])
        report.setdefault("palette_distance_train_to_test", {})[direction] = round(floor, 4)
        print(f"  palette distance of the {style} training split to its test split: {floor:.4f}")
    return report


if __name__ == "__main__":
    main()
