"""Data sources behind one call: `ganzoo.datasets.load(name, split)`.

Each source decides between TFDS and an embedded copy and says which it used,
in one log line and in `.source`. Single-domain sets return `ImageData`;
two-domain sets for image-to-image translation (emoji, horse2zebra) return
`ImagePairs`.
"""

from absl import logging

from ganzoo.datasets import celeba, emoji, horse2zebra, mixtures, mnist, stacked_mnist
from ganzoo.datasets.base import ImageData, ImagePairs, padded, resized, resized_pairs

_SOURCES = {
    "mnist": mnist.load,
    "stacked_mnist": stacked_mnist.load,
    "celeb_a": celeba.load,
    "ring8": lambda split, source: mixtures.load("ring8", split, source),
    "grid25": lambda split, source: mixtures.load("grid25", split, source),
    "emoji": emoji.load,
    "horse2zebra": horse2zebra.load,
}
TRANSLATION = ("emoji", "horse2zebra")  # data sets of ImagePairs
# Shape and class count of each data set at native size, known without loading
# it, so an untrained model can be built where the data is not available.
_SPECS = {
    "mnist": ((28, 28, 1), mnist.NUM_CLASSES),
    "stacked_mnist": ((28, 28, 3), stacked_mnist.NUM_MODES),
    "celeb_a": ((celeba.CROP, celeba.CROP, 3), None),
    "ring8": ((2,), None),
    "grid25": ((2,), None),
    "emoji": ((emoji.SIZE, emoji.SIZE, 3), None),
    "horse2zebra": ((horse2zebra.SIZE, horse2zebra.SIZE, 3), None),
}


def names() -> list[str]:
    return sorted(_SOURCES)


def spec(name: str, image_size: int = 0, padding: int = 0) -> tuple[tuple[int, ...], int | None]:
    """(data shape, num_classes) of `name` at `image_size` (0: native) plus `padding`."""
    if name not in _SPECS:
        raise KeyError(f"unknown data set '{name}'; known: {', '.join(names())}")
    shape, num_classes = _SPECS[name]
    if image_size:
        if len(shape) != 3:
            raise ValueError(f"{name} is not an image data set; data.image_size must be 0")
        shape = (image_size, image_size, shape[2])
    if padding:
        if len(shape) != 3:
            raise ValueError(f"{name} is not an image data set; data.padding must be 0")
        shape = (shape[0] + 2 * padding, shape[1] + 2 * padding, shape[2])
    return shape, num_classes


def load(name: str, split: str = "train", *, source: str = "auto", image_size: int = 0,
         padding: int = 0) -> ImageData | ImagePairs:
    """Load split `split` of data set `name` in [-1, 1].

    source: "auto" (TFDS if prepared or downloadable, else embedded), "tfds" or "embedded".
    image_size: resize to a square of this size; 0 keeps the native size.
    padding: pixels of background (-1) added on every side after resizing
    (MNIST 28 -> 32 for ProGAN's power-of-two resolutions).
    """
    if name not in _SOURCES:
        raise KeyError(f"unknown data set '{name}'; known: {', '.join(names())}")
    if source not in ("auto", "tfds", "embedded"):
        raise ValueError(f"source must be 'auto', 'tfds' or 'embedded', not '{source}'")
    data = _SOURCES[name](split, source)
    if isinstance(data, ImagePairs):
        data = resized_pairs(data, image_size)
    else:
        data = padded(resized(data, image_size), padding)
    logging.info(
        "Data %s/%s: %d examples of shape %s from %s",
        name, split, data.num_examples, data.image_shape, data.source,
    )
    return data


def for_entry(cfg, split: str | None = None) -> ImageData | ImagePairs:
    """The data of zoo entry `cfg` (its configured split unless `split`)."""
    d = cfg.data
    return load(cfg.dataset, split or d.split, source=d.source, image_size=d.image_size,
                padding=d.padding)


def spec_for_entry(cfg) -> tuple[tuple[int, ...], int | None]:
    """(data shape, num_classes) of zoo entry `cfg`, without loading its data."""
    return spec(cfg.dataset, cfg.data.image_size, cfg.data.padding)


__all__ = ["ImageData", "ImagePairs", "TRANSLATION", "for_entry", "load", "names", "spec", "spec_for_entry"]
