"""Zoo entries as data: one TOML file per entry, validated into frozen dataclasses.

An entry file holds

    family = "dcgan"          # a registered family
    dataset = "mnist"         # a name known to ganzoo.datasets
    description = "..."
    [model]  ...             # the family's Hyperparameters dataclass
    [train]  ...             # TrainConfig
    [data]   ...             # DataConfig

TOML is parsed with `tomllib`, which only reads data. Every key is checked
against the dataclass it fills, so a typo or a wrong type fails at load time
with the file and the key in the message instead of deep inside training.
"""

import dataclasses
import json
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from ganzoo import integrity, paths
from ganzoo.schema import ConfigError, TrainConfig, build_dataclass, typed

__all__ = ["ConfigError", "DataConfig", "EntryConfig", "TrainConfig", "build_dataclass",
           "load_entry", "load_entry_file"]


@dataclass(frozen=True)
class DataConfig:
    """Which copy of the data set to use and at what size.

    `path` trains on the user's own images instead (a folder, a zip or tar archive, or
    a set made by `python -m ganzoo.prepare`); the remaining keys say how they are
    prepared (docs/your-own-images.md).
    """

    source: Literal["auto", "tfds", "embedded"] = "auto"
    image_size: int = 0  # 0 keeps the data set's native size
    padding: int = 0  # background pixels added on every side (MNIST 28 -> 32 for ProGAN)
    split: str = "train"
    path: str = ""  # the user's images; "" = the data set's own source
    crop: Literal["center", "celeba", "none"] = "center"
    # "auto": class folders for conditional families, none for the others
    labels: Literal["auto", "none", "folders"] = "auto"
    layout: Literal["auto", "images", "unpaired", "paired", "ab"] = "auto"
    channels: int = 3  # of the user's images after conversion: 1 (grayscale) or 3 (RGB)
    test_share: float = 0.1  # held out by a hash of the file name, never trained on
    min_size: int = 0  # refuse images smaller than this after cropping (0: upscale them)
    background: Literal["white", "black"] = "white"  # under transparent pixels

    def __post_init__(self):
        for name in ("image_size", "padding", "min_size"):
            if getattr(self, name) < 0:
                raise ConfigError(f"data.{name} must be >= 0, got {getattr(self, name)}")
        if self.channels not in (1, 3):
            raise ConfigError(f"data.channels must be 1 or 3, got {self.channels}")
        if not 0 <= self.test_share < 1:
            raise ConfigError(f"data.test_share must be in [0, 1), got {self.test_share}")


@dataclass(frozen=True)
class EntryConfig:
    name: str
    family: str
    dataset: str
    model: Any
    train: TrainConfig = field(default_factory=TrainConfig)
    data: DataConfig = field(default_factory=DataConfig)
    description: str = ""

    def to_dict(self) -> dict:
        return dataclasses.asdict(self)

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), indent=2, sort_keys=True)


_TOP_LEVEL = {"family", "dataset", "description", "model", "train", "data"}
_SECTIONS = {"model", "train", "data"}


def entry_path(name: str) -> Path:
    return paths.configs_dir() / f"{name}.toml"


def list_entries() -> list[str]:
    return sorted(p.stem for p in paths.configs_dir().glob("*.toml"))


def load_entry(name: str, overrides: Mapping[str, Any] | None = None) -> EntryConfig:
    """Read, override and validate the zoo entry `name`, or a user's entry of that name
    (the config saved with its newest trained version in the user models directory)."""
    if not is_plain_name(name):
        raise ConfigError(f"'{name}' is not a zoo entry name (letters, digits, '_' and '-' only)")
    path = entry_path(name)
    if not path.is_file():
        saved = user_entry_config(name)
        if saved is None:
            known = ", ".join(list_entries()) or "(none)"
            users = ", ".join(list_user_entries())
            raise KeyError(f"unknown zoo entry '{name}'; known entries: {known}"
                           + (f"; your entries ({paths.user_models_dir()}): {users}" if users
                              else ""))
        raw = {k: v for k, v in json.loads(saved.read_text()).items() if k != "name"}
        return from_dict(name, apply_overrides(raw, overrides or {}, str(saved)), str(saved))
    raw = _read_toml(path)
    raw = apply_overrides(raw, overrides or {}, where=str(path))
    return from_dict(name, raw, where=str(path))


def load_entry_file(path, overrides: Mapping[str, Any] | None = None) -> EntryConfig:
    """An entry file kept anywhere: `python -m ganzoo.train --config my_faces.toml`.

    `base = "dcgan_celeba"` starts from that zoo entry; every other key overrides it,
    table by table. The entry's name is `name = "..."` or the file's stem. Validation
    is the zoo's, with this file named in every error.
    """
    path = Path(path).expanduser()
    if not path.is_file():
        raise ConfigError(f"entry file {path} does not exist")
    raw = _read_toml(path)
    name = raw.pop("name", path.stem)
    if not isinstance(name, str) or not is_plain_name(name):
        raise ConfigError(f"{path}: key 'name' must be letters, digits, '_' and '-', got {name!r}")
    base = raw.pop("base", None)
    if base is not None:
        if not isinstance(base, str) or not entry_path(base).is_file() or not is_plain_name(base):
            raise ConfigError(f"{path}: key 'base' must name a zoo entry "
                              f"({', '.join(list_entries())}), got {base!r}")
        merged = _read_toml(entry_path(base))
        # The base's description names the base's data set; yours is not that data.
        merged["description"] = (f"{merged['family']} from the zoo entry {base}, with this "
                                 f"file's settings ({path.name})")
        for key, value in raw.items():
            if isinstance(value, Mapping) and isinstance(merged.get(key), Mapping):
                merged[key] = {**merged[key], **value}
            else:
                merged[key] = value
        raw = merged
    raw = apply_overrides(raw, overrides or {}, where=str(path))
    return from_dict(name, raw, where=str(path))


def _read_toml(path: Path) -> dict:
    try:
        return tomllib.loads(path.read_text())
    except tomllib.TOMLDecodeError as err:
        raise ConfigError(f"{path}: not valid TOML: {err}") from None


def user_entry_config(name: str) -> Path | None:
    """The saved config of the newest version of the user's entry `name`, if there is one."""
    entry = paths.user_models_dir() / name
    versions = sorted((int(p.name) for p in entry.glob("[0-9]*") if p.name.isdigit()),
                      reverse=True) if entry.is_dir() else []
    for version in versions:
        saved = entry / str(version) / integrity.CONFIG
        if saved.is_file():
            return saved
    return None


def version_config(name: str, version_dir: Path) -> EntryConfig:
    """The config a trained version was built from, when it trained on the user's own images
    (its data.path is what evaluation must read); else the zoo entry as it stands."""
    saved = Path(version_dir) / integrity.CONFIG
    raw = json.loads(saved.read_text()) if saved.is_file() else {}
    if raw.get("data", {}).get("path") or not entry_path(name).is_file():
        return from_dict(name, {k: v for k, v in raw.items() if k != "name"}, str(saved))
    return load_entry(name)


def list_user_entries() -> list[str]:
    """Entries the user trained (in the user models directory), zoo names included."""
    root = paths.user_models_dir()
    if not root.is_dir():
        return []
    return sorted(p.name for p in root.iterdir() if user_entry_config(p.name))


def from_dict(name: str, raw: Mapping[str, Any], where: str) -> EntryConfig:
    from ganzoo.models import get_family

    unknown = set(raw) - _TOP_LEVEL
    if unknown:
        raise ConfigError(
            f"{where}: unknown key '{sorted(unknown)[0]}'; allowed: {', '.join(sorted(_TOP_LEVEL))}"
        )
    for key in ("family", "dataset"):
        if not isinstance(raw.get(key), str):
            raise ConfigError(f"{where}: key '{key}' must be a string")
    try:
        family = get_family(raw["family"])
    except KeyError as err:
        raise ConfigError(f"{where}: key 'family': {err.args[0]}") from None
    return EntryConfig(
        name=name,
        family=raw["family"],
        dataset=raw["dataset"],
        description=typed(raw.get("description", ""), str, where, "description"),
        model=build_dataclass(family.Hyperparameters, raw.get("model", {}), where, "model"),
        train=build_dataclass(TrainConfig, raw.get("train", {}), where, "train"),
        data=build_dataclass(DataConfig, raw.get("data", {}), where, "data"),
    )


def parse_override(text: str) -> tuple[str, Any]:
    """`"model.latent_dim=128"` -> ("model.latent_dim", 128); values are TOML literals."""
    key, sep, value = text.partition("=")
    if not sep or not key.strip():
        raise ConfigError(f"override '{text}' is not of the form section.key=value")
    try:
        parsed = tomllib.loads(f"v = {value.strip()}")["v"]
    except tomllib.TOMLDecodeError:
        parsed = value.strip()  # a bare word is a string: family=dcgan
    return key.strip(), parsed


def apply_overrides(raw: Mapping[str, Any], overrides: Mapping[str, Any], where: str) -> dict:
    merged = {k: dict(v) if isinstance(v, Mapping) else v for k, v in raw.items()}
    for dotted, value in overrides.items():
        section, _, key = dotted.partition(".")
        if key:
            if section not in _SECTIONS:
                raise ConfigError(f"override '{dotted}': unknown section '{section}'")
            merged.setdefault(section, {})[key] = value
        else:
            merged[section] = value
    return merged


def is_plain_name(name: str) -> bool:
    return bool(name) and all(c.isalnum() or c in "_-" for c in name)
