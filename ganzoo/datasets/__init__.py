"""Data sources behind one call: `ganzoo.datasets.load(name, split)`.

Each source decides between TFDS and an embedded copy and says which it used,
in one log line and in `ImageData.source`.
"""

from absl import logging

from ganzoo.datasets import celeba, mixtures, mnist
from ganzoo.datasets.base import ImageData, resized

_SOURCES = {
    "mnist": mnist.load,
    "celeb_a": celeba.load,
    "ring8": lambda split, source: mixtures.load("ring8", split, source),
    "grid25": lambda split, source: mixtures.load("grid25", split, source),
}
# Shape and class count of each data set at native size, known without loading
# it, so an untrained model can be built where the data is not available.
_SPECS = {
    "mnist": ((28, 28, 1), mnist.NUM_CLASSES),
    "celeb_a": ((celeba.CROP, celeba.CROP, 3), None),
    "ring8": ((2,), None),
    "grid25": ((2,), None),
}


def names() -> list[str]:
    return sorted(_SOURCES)


def spec(name: str, image_size: int = 0) -> tuple[tuple[int, ...], int | None]:
    """(data shape, num_classes) of `name` at `image_size` (0: native)."""
    if name not in _SPECS:
        raise KeyError(f"unknown data set '{name}'; known: {', '.join(names())}")
    shape, num_classes = _SPECS[name]
    if image_size:
        if len(shape) != 3:
            raise ValueError(f"{name} is not an image data set; data.image_size must be 0")
        shape = (image_size, image_size, shape[2])
    return shape, num_classes


def load(name: str, split: str = "train", *, source: str = "auto", image_size: int = 0) -> ImageData:
    """Load split `split` of data set `name` in [-1, 1].

    source: "auto" (TFDS if prepared or downloadable, else embedded), "tfds" or "embedded".
    image_size: resize to a square of this size; 0 keeps the native size.
    """
    if name not in _SOURCES:
        raise KeyError(f"unknown data set '{name}'; known: {', '.join(names())}")
    if source not in ("auto", "tfds", "embedded"):
        raise ValueError(f"source must be 'auto', 'tfds' or 'embedded', not '{source}'")
    data = resized(_SOURCES[name](split, source), image_size)
    logging.info(
        "Data %s/%s: %d examples of shape %s from %s",
        name, split, data.num_examples, data.image_shape, data.source,
    )
    return data


__all__ = ["ImageData", "load", "names", "spec"]
