"""Stacked MNIST: three MNIST digits stacked as the R, G and B channels of one image.

The 1,000-mode benchmark of Srivastava et al. 2017 (VEEGAN) and Lin et al.
2018 (PacGAN): an image's mode is its digit triple, read back by classifying
each channel with an MNIST classifier, so a generator's mode coverage out of
1,000 and the KL of its mode histogram to uniform can be counted.

Built from the same MNIST split the zoo uses (TFDS when prepared, else the
embedded digits), so `test` triples are made of held-out digits only. The
triples are a fixed seeded draw: EXAMPLES images, label = 100 r + 10 g + b.
"""

import numpy as np

from ganzoo.datasets import mnist
from ganzoo.datasets.base import DatasetInfo, ImageData, from_arrays

EXAMPLES = {"train": 60_000, "test": 10_000}
NUM_MODES = 1000
_SEEDS = {"train": 0, "test": 1}


def load(split: str, source: str) -> ImageData:
    if split not in EXAMPLES:
        raise ValueError(f"stacked_mnist has splits {tuple(EXAMPLES)}, not '{split}'")
    digits = mnist.load(split, source)
    images, labels = digits.as_numpy()  # in [-1, 1]
    rng = np.random.default_rng(_SEEDS[split])
    picks = rng.integers(0, len(labels), size=(EXAMPLES[split], 3))
    stacked = np.concatenate([images[picks[:, c]] for c in range(3)], axis=-1)
    modes = labels[picks] @ np.array([100, 10, 1])
    return from_arrays("stacked_mnist", split,
                       f"{EXAMPLES[split]:,} seeded triples of {digits.source}",
                       (stacked + 1.0) * 127.5, modes, NUM_MODES)


def modes_of(images: np.ndarray, classifier) -> np.ndarray:
    """Mode index 100 r + 10 g + b of each (N, 28, 28, 3) image, channels classified apart
    (images padded to 32x32 for a family that doubles from 4x4 are centre-cropped first)."""
    from ganzoo.evaluation.digit_classifier import as_mnist, predict

    images = as_mnist(images)
    n = len(images)
    channels = np.concatenate([images[..., c:c + 1] for c in range(3)])  # (3N, 28, 28, 1)
    digits = predict(classifier, channels).reshape(3, n)
    return digits[0] * 100 + digits[1] * 10 + digits[2]


DATASETS = (DatasetInfo("stacked_mnist", (28, 28, 3), num_classes=NUM_MODES,
                        evaluator="stacked_mnist", load=load),)
