"""The zoo's public entry points: list, build (untrained) and load (trained)."""

import os
import warnings
from pathlib import Path

import keras

import ganzoo.models  # noqa: F401  (registers the families, which .keras files name)
from ganzoo import config as config_lib
from ganzoo import datasets, integrity, paths
from ganzoo.integrity import KERAS_FILE, available_versions
from ganzoo.models import get_family


class NotTrainedError(FileNotFoundError):
    """The zoo entry exists but no trained weights were found for it."""


def list_models(user: bool = False) -> list[str]:
    """Names of the zoo's entries (configs in `zoo_configs/`); with `user=True`, the entries
    you trained yourself, in the user models directory (`ganzoo.paths.user_models_dir()`)."""
    return config_lib.list_user_entries() if user else config_lib.list_entries()


def build(name: str, **overrides):
    """An untrained model for zoo entry `name`.

    Overrides: `latent_dim=32` sets `model.latent_dim`; dotted keys such as
    `**{"train.batch_size": 8}` reach the other sections.
    """
    cfg = config_lib.load_entry(name, _dotted(overrides))
    return build_from_config(cfg)


def build_from_config(cfg: config_lib.EntryConfig):
    family = get_family(cfg.family)
    image_shape, num_classes = datasets.spec_for_entry(cfg)
    if not family.conditional_for(cfg.model):
        return family(cfg.model, image_shape, None, name=cfg.name)
    return family(cfg.model, image_shape, num_classes,
                  class_names=datasets.class_names_for_entry(cfg), name=cfg.name)


def load(name: str, version: int | None = None, models_dir: str | os.PathLike | None = None):
    """The trained model of zoo entry `name` (newest version unless `version`).

    Looks in `models_dir` (or $GANZOO_MODELS_DIR), then in the user models directory
    (what you trained on your own images or entry files), then in the shipped zoo.
    Before anything is deserialized, every file of the version is checked
    against the SHA-256 sums its card recorded at export, and nothing may
    point outside the entry's folder; the `.keras` file is then read in
    Keras' safe mode, which refuses Lambda layers and foreign classes.
    """
    if name not in list_models() and name not in list_models(user=True):
        users = ", ".join(list_models(user=True))
        raise KeyError(f"unknown zoo entry '{name}'; known entries: {', '.join(list_models())}"
                       + (f"; your entries: {users}" if users else ""))
    entry_dir, chosen = locate(name, version, models_dir)
    version_dir = entry_dir / str(chosen)
    integrity.verify_version(version_dir)
    path = version_dir / KERAS_FILE
    try:
        with warnings.catch_warnings():
            # Keras only warns when a saved layer has no weights in the file and keeps its
            # random initial ones; for a zoo model that is corruption, not a warning.
            warnings.filterwarnings("error", message=".*(freshly-initialized|Skipping).*")
            model = keras.saving.load_model(path, safe_mode=True)
    except Exception as err:  # Keras raises many types; the user needs the file and the cause
        raise integrity.CorruptModelError(f"{path} could not be loaded: {err}") from err
    model.zoo_version = chosen
    return model


def locate(name: str, version: int | None = None, models_dir=None) -> tuple[Path, int]:
    """(entry folder, version) of `name`: the first models dir that has any version wins."""
    searched = _search_dirs(models_dir)
    for root in searched:
        versions = available_versions(root / name)
        if not versions:
            continue
        chosen = versions[-1] if version is None else version
        if chosen not in versions:
            raise FileNotFoundError(f"{root / name} has versions {versions}, not {chosen}")
        return root / name, chosen
    where = ", ".join(map(str, searched))
    try:
        dataset = config_lib.load_entry(name).dataset
    except (KeyError, ValueError):
        dataset = None
    if dataset is not None and datasets.your_copy(dataset):
        raise NotTrainedError(
            f"zoo entry '{name}' ships no weights: its data ({dataset}) cannot be fetched where "
            f"the zoo is built (no network, and no package carries it). Train it on your copy "
            f"({datasets.your_copy(dataset)}) with:\n"
            f"    python -m ganzoo.train --name {name} --data PATH\n(searched {where})")
    raise NotTrainedError(
        f"zoo entry '{name}' has no trained weights in {where}. "
        f"Train it with:\n    python -m ganzoo.train --name {name}"
    )


def _search_dirs(models_dir) -> list[Path]:
    # What you trained yourself comes before the shipped zoo: a zoo entry you trained on your
    # own copy of its data (dcgan_celeba on your CelebA zip) is the one you mean.
    dirs = [paths.models_dir(models_dir), paths.shipped_models_dir()]
    dirs.insert(1 if (models_dir or os.environ.get(paths.MODELS_ENV)) else 0,
                paths.user_models_dir())
    unique = []
    for d in dirs:
        if d.resolve() not in [u.resolve() for u in unique]:
            unique.append(d)
    return unique


def _dotted(overrides: dict) -> dict:
    return {key if "." in key else f"model.{key}": value for key, value in overrides.items()}
