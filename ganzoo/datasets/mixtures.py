"""2D mixtures of Gaussians: the standard mode-collapse benchmark, sampled exactly.

- ring8:  8 modes, means on the unit circle at angles 2*pi*k/8, sigma 0.01.
- grid25: 25 modes, means on {-4, -2, 0, 2, 4}^2, sigma 0.05 (PacGAN's geometry).

A split is a fixed i.i.d. draw of POINTS points from the exact mixture (equal
mode weights), seeded by the split's name, so training is reproducible and
`test` never overlaps `train`.
"""

import functools

import numpy as np
import tensorflow as tf

from ganzoo.datasets.base import DatasetInfo, ImageData

POINTS = 100_000
_SPLIT_SEEDS = {"train": 0, "test": 1}


def ring8_means() -> np.ndarray:
    angles = 2 * np.pi * np.arange(8) / 8
    return np.stack([np.cos(angles), np.sin(angles)], axis=1)


def grid25_means() -> np.ndarray:
    axis = np.array([-4.0, -2.0, 0.0, 2.0, 4.0])
    return np.array([(x, y) for x in axis for y in axis])


MIXTURES = {
    "ring8": (ring8_means, 0.01),
    "grid25": (grid25_means, 0.05),
}


def sample(name: str, count: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """`count` points of mixture `name` and the index of the mode each came from."""
    make_means, sigma = MIXTURES[name]
    means = make_means()
    rng = np.random.default_rng(seed)
    modes = rng.integers(0, len(means), size=count)
    points = means[modes] + sigma * rng.standard_normal((count, 2))
    return points.astype(np.float32), modes.astype(np.int32)


def load(name: str, split: str, source: str) -> ImageData:
    if split not in _SPLIT_SEEDS:
        raise ValueError(f"{name} has splits {tuple(_SPLIT_SEEDS)}, not '{split}'")
    if source == "tfds":
        raise ValueError(f"{name} is generated, not a TFDS data set; use source 'auto'")
    points, modes = sample(name, POINTS, _SPLIT_SEEDS[split] + 1000 * list(MIXTURES).index(name))
    make_means, sigma = MIXTURES[name]
    return ImageData(
        name=name, split=split,
        source=f"exact mixture: {len(make_means())} Gaussians, sigma {sigma}",
        image_shape=(2,), num_examples=POINTS, num_classes=None,
        make_dataset=lambda: tf.data.Dataset.from_tensor_slices((points, modes)),
        arrays=(points, modes),
    )


DATASETS = tuple(DatasetInfo(name, (2,), kind="points", evaluator="mixture",
                             load=functools.partial(load, name))
                 for name in MIXTURES)
