"""Data sources behind one call: `ganzoo.datasets.load(name, split)`.

Each built-in data set is one module here that declares itself as data
(`DATASETS = (DatasetInfo(...),)`: shape, classes, kind, evaluator, and how it is
read); this package collects them, so nothing else lists data set names. Each
source decides between TFDS and an embedded copy and says which it used, in one
log line and in `.source`. Single-domain sets return `ImageData`; two-domain sets
for image-to-image translation (emoji, horse2zebra) return `ImagePairs`. Besides
these: a user's image files (`data.path`, `ganzoo.imagefiles`) and any TFDS image
data set by name (`tfds:NAME`).
"""

import importlib
import pkgutil
from pathlib import Path

from absl import logging

from ganzoo.datasets import prepared, tfds_images
from ganzoo.datasets.base import DatasetInfo, ImageData, ImagePairs, padded, resized, resized_pairs


def _declared() -> dict[str, DatasetInfo]:
    found = {}
    for module in pkgutil.iter_modules(__path__):
        for info in getattr(importlib.import_module(f"{__name__}.{module.name}"), "DATASETS", ()):
            if info.name in found:
                raise ValueError(f"data set '{info.name}' is declared twice")
            found[info.name] = info
    return found


_INFO = _declared()
USER_IMAGES = "images"  # the `dataset` of an entry whose data is only `data.path`


def names() -> list[str]:
    return sorted(_INFO)


def info(name: str) -> DatasetInfo:
    """The declaration of built-in data set `name`."""
    if name not in _INFO:
        raise KeyError(f"unknown data set '{name}'; known: {', '.join(names())}, or "
                       f"tfds:NAME for any TFDS image data set, or your own images with "
                       f"--data")
    return _INFO[name]


def your_copy(name: str) -> str:
    """What the user's own copy of `name` is, when no package carries it ("" otherwise)."""
    return _INFO[name].your_copy if name in _INFO else ""


def spec(name: str, image_size: int = 0, padding: int = 0) -> tuple[tuple[int, ...], int | None]:
    """(data shape, num_classes) of `name` at `image_size` (0: native) plus `padding`."""
    if tfds_images.is_tfds_name(name):
        (size, _, channels), classes = tfds_images.spec(name, image_size)
        return (size + 2 * padding, size + 2 * padding, channels), classes
    shape, num_classes = info(name).shape, info(name).num_classes
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
    if tfds_images.is_tfds_name(name):  # any TFDS image data set: "tfds:oxford_flowers102"
        return padded(tfds_images.load(name, split, source, image_size), padding)
    if info(name).load is None:
        raise ValueError(f"{name} is a folder of image files; train an entry on it, or read "
                         f"it with ganzoo.datasets.prepared")
    if source not in ("auto", "tfds", "embedded"):
        raise ValueError(f"source must be 'auto', 'tfds' or 'embedded', not '{source}'")
    data = info(name).load(split, source)
    if isinstance(data, ImagePairs):
        data = resized_pairs(data, image_size)
    else:
        data = padded(resized(data, image_size), padding)
    logging.info(
        "Data %s/%s: %d examples of shape %s from %s",
        name, split, data.num_examples, data.image_shape, data.source,
    )
    return data


def described(cfg, class_names=None) -> str:
    """What an entry trains on, as logs, `ganzoo info` and `ganzoo list` name it: a user's
    files by their path (and class count), never the data set of the entry it was based on."""
    if not cfg.data.path:
        return cfg.dataset
    classes = f" ({len(class_names)} classes)" if class_names else ""
    return f"image files: {Path(cfg.data.path).expanduser()}{classes}"


def for_entry(cfg, split: str | None = None) -> ImageData | ImagePairs:
    """The data of zoo entry `cfg` (its configured split unless `split`)."""
    d = cfg.data
    folder = prepared_folder(cfg)
    if folder is not None:
        data = prepared.load(folder, split or d.split, name=cfg.dataset)
        if not isinstance(data, ImagePairs):
            data = padded(data, d.padding)
        logging.info("Data (%s split): %d examples of shape %s from %s", split or d.split,
                     data.num_examples, data.image_shape, data.source)
        return data
    if tfds_images.is_tfds_name(cfg.dataset):
        return padded(tfds_images.load(cfg.dataset, split or d.split, d.source, d.image_size,
                                       d.crop, d.channels), d.padding)
    return load(cfg.dataset, split or d.split, source=d.source, image_size=d.image_size,
                padding=d.padding)


def image_folder(cfg) -> Path | None:
    """The images an entry trains on when they are files: `data.path`, or a built-in folder."""
    if cfg.data.path:
        return Path(cfg.data.path).expanduser()
    if cfg.dataset in _INFO and _INFO[cfg.dataset].folder is not None:
        return _INFO[cfg.dataset].folder()
    if cfg.dataset == USER_IMAGES:
        raise ValueError(f"{cfg.name}: dataset 'images' trains on your own images; give them "
                         f"with --data PATH (or data.path in the entry file)")
    return None


def preparation_settings(cfg):
    """How `cfg` wants its image files prepared, from its data section and its family."""
    from ganzoo.imagefiles.prepare import Settings
    from ganzoo.models import get_family

    d = cfg.data
    family = get_family(cfg.family)
    size = d.image_size or (_INFO[cfg.dataset].shape[0] if cfg.dataset in _INFO else 0)
    if not size:
        raise ValueError(f"{cfg.name}: training on image files needs data.image_size (the "
                         f"square size to prepare them at)")
    conditional = family.conditional_for(cfg.model)
    labels = d.labels if d.labels != "auto" else ("folders" if conditional else "none")
    if conditional and labels != "folders":
        raise ValueError(f"{cfg.name}: {cfg.family} is conditional and needs class labels: "
                         f"data.labels = 'folders' (one subfolder per class)")
    return Settings(size=size, channels=d.channels, crop=d.crop, labels=labels,
                    layout=d.layout, test_share=d.test_share, min_size=d.min_size,
                    background=d.background)


def prepared_folder(cfg) -> Path | None:
    """The prepared set of `cfg`'s image files (prepared or refreshed now if needed), checked
    against what its family trains on; None when its data is not files."""
    from ganzoo.imagefiles import store
    from ganzoo.imagefiles.prepare import ensure_prepared
    from ganzoo.models import get_family

    source = image_folder(cfg)
    if source is None:
        return None
    # Checked on every call (a run asks several times: data, shapes, card), said once.
    folder = ensure_prepared(source, preparation_settings(cfg), log=_log_once)
    manifest = store.read_manifest(folder)
    translation = get_family(cfg.family).translation
    if translation and manifest["kind"] != "pairs":
        raise ValueError(f"{cfg.name}: {cfg.family} translates between two domains; {source} "
                         f"is one set of images (expected trainA/ trainB/ [testA/ testB/], A/ and "
                         f"B/ with the same names, or side-by-side AB images with data.layout = "
                         f"'ab')")
    if not translation and manifest["kind"] == "pairs":
        raise ValueError(f"{cfg.name}: {cfg.family} draws from one set of images; {source} "
                         f"holds two domains ({manifest['layout']} layout)")
    classes = len(manifest["class_names"] or ())
    if get_family(cfg.family).conditional_for(cfg.model) and classes < 2:
        raise ValueError(f"{cfg.name}: {cfg.family} is conditional and needs two or more "
                         f"classes; {source} has {classes}")
    return folder


_said: set[str] = set()


def _log_once(message: str) -> None:
    if message not in _said:
        _said.add(message)
        logging.info("%s", message)


def spec_for_entry(cfg) -> tuple[tuple[int, ...], int | None]:
    """(data shape, num_classes) of zoo entry `cfg`, without loading its data (image files
    are prepared first when a conditional family needs their class count)."""
    source = image_folder(cfg)
    if source is None:
        return spec(cfg.dataset, cfg.data.image_size, cfg.data.padding)
    size = preparation_settings(cfg).size + 2 * cfg.data.padding
    shape = (size, size, cfg.data.channels)
    from ganzoo.models import get_family

    if not get_family(cfg.family).conditional_for(cfg.model):
        return shape, None
    from ganzoo.imagefiles import store

    return shape, len(store.read_manifest(prepared_folder(cfg))["class_names"])


def class_names_for_entry(cfg) -> tuple[str, ...] | None:
    """The class names of a conditional entry on image files (its folders) or on a TFDS data
    set by name (its ClassLabel's names); None otherwise."""
    if image_folder(cfg) is None:
        if tfds_images.is_tfds_name(cfg.dataset):
            return for_entry(cfg).class_names
        return None
    from ganzoo.imagefiles import store

    names = store.read_manifest(prepared_folder(cfg))["class_names"]
    return tuple(names) if names else None


def style_judged(cfg) -> bool:
    """The zoo's emoji style judge may judge `cfg`'s images: a built-in set that declares
    itself style-judged, at the judge's size (the emoji pairs' native 64 x 64 colour), and not
    a user's files (`data.path`), whatever entry they were based on."""
    if cfg.data.path or cfg.dataset not in _INFO or not _INFO[cfg.dataset].style_judged:
        return False
    return spec_for_entry(cfg)[0] == _INFO["emoji"].shape


def evaluator_for_entry(cfg) -> str | None:
    """How `evaluate` checks `cfg`: its data set's declared evaluator; entries on a user's
    images are measured on their held-out split (image_files, or translation for pairs)."""
    if cfg.dataset in _INFO and not cfg.data.path:
        return _INFO[cfg.dataset].evaluator
    return "translation" if kind_for_entry(cfg) == "pairs" else "image_files"


def kind_for_entry(cfg) -> str:
    """"images", "pairs" or "points": what `cfg` trains on, known without loading it."""
    from ganzoo.models import get_family

    if get_family(cfg.family).translation:
        return "pairs"
    return _INFO[cfg.dataset].kind if cfg.dataset in _INFO else "images"


__all__ = ["DatasetInfo", "ImageData", "ImagePairs", "evaluator_for_entry", "for_entry", "info",
           "kind_for_entry", "load", "names", "spec", "spec_for_entry"]
