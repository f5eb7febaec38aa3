"""The zoo's public entry points: list, build (untrained) and load (trained)."""

import json
import os
import warnings
from pathlib import Path

import keras

import ganzoo.models  # noqa: F401  (registers the families, which .keras files name)
from ganzoo import config as config_lib
from ganzoo import datasets, integrity, paths
from ganzoo.hub import fetch, registry
from ganzoo.integrity import KERAS_FILE, available_versions
from ganzoo.models import get_family


class NotTrainedError(FileNotFoundError):
    """The zoo entry exists but no trained weights were found for it."""


def list_models(user: bool = False, models_dir: str | os.PathLike | None = None) -> list[str]:
    """Names of the zoo's entries (configs in `zoo_configs/`, each trained version fetched on
    demand); with `user=True`, the entries with trained versions in the folders `load` searches
    before the zoo: `models_dir`, $GANZOO_MODELS_DIR and the user models directory."""
    if not user:
        return config_lib.list_entries()
    return sorted({p.name for root in user_dirs(models_dir) if root.is_dir()
                   for p in root.iterdir() if available_versions(p)})


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
    """The trained model of zoo entry `name` (newest version unless `version`), or of the
    entry folder or version folder at path `name`.

    A name is looked for in `models_dir`, $GANZOO_MODELS_DIR and the user models directory
    (what you trained yourself), then in the zoo: its shipped folder in a source checkout, else
    the cache, fetched there from a mirror when missing (`ganzoo.hub.fetch`). Before anything
    is deserialized, every file of the version is checked against the SHA-256 sums its card
    recorded at export, and nothing may point outside the entry's folder; the `.keras` file is
    then read in Keras' safe mode, which refuses Lambda layers and foreign classes.
    """
    if _is_path(name):
        version_dir, chosen = _version_at(Path(name).expanduser(), version)
    else:
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


def trained(models_dir=None) -> list[str]:
    """What `ganzoo list` shows as trained, without fetching anything: the zoo's entries with a
    version in a folder searched or in the registry (fetched on first use), then yours."""
    names = []
    for name in dict.fromkeys(list_models() + list_models(user=True, models_dir=models_dir)):
        try:
            locate(name, models_dir=models_dir, fetch_missing=False)
        except (FileNotFoundError, KeyError, ValueError):  # NotTrainedError among them
            continue
        names.append(name)
    return names


def kind(name: str, models_dir=None) -> str:
    """"images", "pairs" or "points": what a trained entry draws or translates, read from its
    config without fetching its files."""
    entry_dir, chosen = locate(name, models_dir=models_dir, fetch_missing=False)
    return datasets.kind_for_entry(config_lib.version_config(name, entry_dir / str(chosen)))


def card(name: str, version: int | None = None, models_dir=None) -> dict:
    """A trained entry's model card: its card.json (data, training, checks, files) with
    "kind" ("images", "pairs" or "points": what it draws or translates), "dataset",
    "description" and
    "readme" (the entry's README.md, trials and history included, or "" without one)."""
    entry_dir, chosen = locate(name, version, models_dir)
    version_dir = entry_dir / str(chosen)
    record = json.loads((version_dir / integrity.CARD).read_text())
    cfg = config_lib.version_config(name, version_dir)
    readme = entry_dir / "README.md"
    return {**record, "kind": datasets.kind_for_entry(cfg), "dataset": cfg.dataset,
            "description": cfg.description,
            "readme": readme.read_text() if readme.is_file() else ""}


def _is_path(name: str) -> bool:
    return os.sep in name or "/" in name or name.startswith((".", "~"))


def _version_at(path: Path, version: int | None) -> tuple[Path, int | None]:
    """(version folder, its number) for a path to a version folder or to an entry folder."""
    if (path / KERAS_FILE).is_file():
        if version is not None:
            raise ValueError(f"{path} is one version's folder; version={version} cannot apply")
        return path, int(path.name) if path.name.isdigit() else None
    versions = available_versions(path)
    if not versions:
        raise FileNotFoundError(f"{path} holds no trained model: neither {KERAS_FILE} nor "
                                f"numbered version folders with one")
    chosen = _pick(versions, version, path)
    return path / str(chosen), chosen


def _pick(versions: list[int], version: int | None, where) -> int:
    """The newest of `versions`, or `version` if it is one of them."""
    if version is not None and version not in versions:
        raise FileNotFoundError(f"{where} has versions {versions}, not {version}")
    return versions[-1] if version is None else version


def locate(name: str, version: int | None = None, models_dir=None,
           fetch_missing: bool = True) -> tuple[Path, int]:
    """(entry folder, version) of `name`: the first folder that has any version wins, and
    the zoo's registered versions are fetched into the cache when no folder has one (with
    `fetch_missing=False`, the cache folder is returned as it is, perhaps without them)."""
    if not config_lib.is_plain_name(name):  # never joined to a folder: "../x" could escape it
        raise KeyError(f"'{name}' is not a zoo entry name (letters, digits, '_' and '-' only)")
    searched = _search_dirs(models_dir)
    for root in searched:
        versions = available_versions(root / name)
        if not versions:
            continue
        return root / name, _pick(versions, version, root / name)
    registered = registry.versions(name)
    if registered:
        chosen = _pick(registered, version, f"the zoo's '{name}'")
        item = registry.item_name(name, chosen)
        return (fetch.ensure(item) if fetch_missing else fetch.cache_root() / item).parent, chosen
    where = ", ".join(map(str, searched))
    if name not in config_lib.list_entries():
        yours = list_models(user=True, models_dir=models_dir)
        raise KeyError(f"unknown zoo entry '{name}', and no trained model of that name in "
                       f"{where}; known entries: {', '.join(config_lib.list_entries())}"
                       + (f"; yours: {', '.join(yours)}" if yours else ""))
    dataset = config_lib.load_entry(name).dataset
    if datasets.your_copy(dataset):
        raise NotTrainedError(
            f"zoo entry '{name}' ships no weights: its data ({dataset}) cannot be fetched where "
            f"the zoo is built (no network, and no package carries it). Train it on your copy "
            f"({datasets.your_copy(dataset)}) with:\n"
            f"    python -m ganzoo.train --name {name} --data PATH\n(searched {where})")
    raise NotTrainedError(
        f"zoo entry '{name}' has no trained weights in {where}. "
        f"Train it with:\n    python -m ganzoo.train --name {name}"
    )


def user_dirs(models_dir=None) -> list[Path]:
    """The folders searched before the zoo. What you trained yourself comes first: a zoo entry
    you trained on your own copy of its data (dcgan_celeba on your CelebA zip) is the one you
    mean. A chosen models folder (argument, else $GANZOO_MODELS_DIR) comes before that."""
    chosen = models_dir or os.environ.get(paths.MODELS_ENV)
    return _unique(([paths.models_dir(models_dir)] if chosen else []) + [paths.user_models_dir()])


def _search_dirs(models_dir) -> list[Path]:
    return _unique([*user_dirs(models_dir), paths.shipped_models_dir()])


def _unique(folders: list[Path]) -> list[Path]:
    unique = []
    for folder in folders:
        if folder.resolve() not in [u.resolve() for u in unique]:
            unique.append(folder)
    return unique


def _dotted(overrides: dict) -> dict:
    return {key if "." in key else f"model.{key}": value for key, value in overrides.items()}
