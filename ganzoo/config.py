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
import types
import typing
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal, Mapping

from ganzoo import paths


class ConfigError(ValueError):
    """A zoo entry or an override that does not fit its schema."""


@dataclass(frozen=True)
class TrainConfig:
    """How an entry is trained. One `step` is one generator update."""

    batch_size: int = 64
    steps: int = 5000
    steps_per_epoch: int = 500  # an "epoch" = sample grid + checkpoint interval
    optimizer: Literal["adam", "rmsprop"] = "adam"
    d_learning_rate: float = 2e-4
    g_learning_rate: float = 2e-4
    beta_1: float = 0.5  # Adam only
    beta_2: float = 0.999  # Adam only
    # "linear": both learning rates fall linearly to 0 at train.steps (CycleGAN's
    # schedule, over the whole run); it turns a 2D GAN's cloud into sharp modes.
    lr_decay: Literal["none", "linear"] = "none"
    seed: int = 0
    jit_compile: bool = True  # XLA; README "Speed" has what it gains on each kind of network
    # Keras mixed precision for training only: "mixed_bfloat16" computes in bfloat16
    # (AMX-BF16 CPUs, TPUs, recent GPUs) and keeps float32 weights; exports stay float32.
    precision: Literal["float32", "mixed_bfloat16"] = "float32"
    # Train steps per call of the compiled step (Keras' steps_per_execution). Small
    # networks (the 2D MLPs) spend most of a step in Python and dispatch; running many
    # steps in one tf.function loop removes that. Callbacks then see every N-th step.
    steps_per_execution: int = 1

    def __post_init__(self):
        for name in ("batch_size", "steps", "steps_per_epoch", "steps_per_execution"):
            if getattr(self, name) <= 0:
                raise ConfigError(f"train.{name} must be positive, got {getattr(self, name)}")
        if self.steps % self.epoch_steps:
            raise ConfigError(
                f"train.steps ({self.steps}) must be a multiple of train.steps_per_epoch "
                f"({self.steps_per_epoch}): checkpoints and resumes happen at epoch ends"
            )
        if self.epoch_steps % self.steps_per_execution:
            raise ConfigError(
                f"train.steps_per_execution ({self.steps_per_execution}) must divide the "
                f"steps of an epoch ({self.epoch_steps}), so every epoch ends on a whole call"
            )

    @property
    def epoch_steps(self) -> int:
        """Steps per epoch actually used: a short run is a single epoch."""
        return min(self.steps_per_epoch, self.steps)

    @property
    def epochs(self) -> int:
        return self.steps // self.epoch_steps


@dataclass(frozen=True)
class DataConfig:
    """Which copy of the data set to use and at what size."""

    source: Literal["auto", "tfds", "embedded"] = "auto"
    image_size: int = 0  # 0 keeps the data set's native size
    padding: int = 0  # background pixels added on every side (MNIST 28 -> 32 for ProGAN)
    split: str = "train"

    def __post_init__(self):
        for name in ("image_size", "padding"):
            if getattr(self, name) < 0:
                raise ConfigError(f"data.{name} must be >= 0, got {getattr(self, name)}")


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
    """Read, override and validate the zoo entry `name`."""
    if not _is_plain_name(name):
        raise ConfigError(f"'{name}' is not a zoo entry name (letters, digits, '_' and '-' only)")
    path = entry_path(name)
    if not path.is_file():
        known = ", ".join(list_entries()) or "(none)"
        raise KeyError(f"unknown zoo entry '{name}'; known entries: {known}")
    try:
        raw = tomllib.loads(path.read_text())
    except tomllib.TOMLDecodeError as err:
        raise ConfigError(f"{path}: not valid TOML: {err}") from None
    raw = apply_overrides(raw, overrides or {}, where=str(path))
    return from_dict(name, raw, where=str(path))


def from_dict(name: str, raw: Mapping[str, Any], where: str) -> EntryConfig:
    from ganzoo.registry import get_family

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
        description=_typed(raw.get("description", ""), str, where, "description"),
        model=build_dataclass(family.Hyperparameters, raw.get("model", {}), where, "model"),
        train=build_dataclass(TrainConfig, raw.get("train", {}), where, "train"),
        data=build_dataclass(DataConfig, raw.get("data", {}), where, "data"),
    )


def build_dataclass(cls, values: Mapping[str, Any], where: str, section: str):
    """Fill dataclass `cls` from `values`, naming the file and key on any mismatch."""
    if not isinstance(values, Mapping):
        raise ConfigError(f"{where}: '{section}' must be a table")
    hints = typing.get_type_hints(cls)
    known = {f.name for f in dataclasses.fields(cls) if f.init}
    for key in values:
        if key not in known:
            raise ConfigError(
                f"{where}: unknown key '{section}.{key}'; known keys: {', '.join(sorted(known))}"
            )
    kwargs = {
        key: _typed(value, hints[key], where, f"{section}.{key}") for key, value in values.items()
    }
    try:
        return cls(**kwargs)
    except ConfigError as err:
        raise ConfigError(f"{where}: {err}") from None


def _typed(value, hint, where: str, key: str):
    """Check `value` against a type hint; return it converted (lists -> tuples, int -> float)."""
    origin = typing.get_origin(hint)
    fail = ConfigError(f"{where}: key '{key}' must be {_describe(hint)}, got {value!r}")
    if origin is Literal:
        if value not in typing.get_args(hint):
            raise fail
        return value
    if origin in (tuple, list):
        (item,) = {a for a in typing.get_args(hint) if a is not Ellipsis}
        if not isinstance(value, (list, tuple)):
            raise fail
        return tuple(_typed(v, item, where, key) for v in value)
    if origin in (typing.Union, types.UnionType):
        for option in typing.get_args(hint):
            try:
                return _typed(value, option, where, key)
            except ConfigError:
                pass
        raise fail
    if hint is type(None):
        if value is not None:
            raise fail
        return value
    if hint is float and isinstance(value, int) and not isinstance(value, bool):
        return float(value)
    if hint is int and isinstance(value, bool):
        raise fail
    if not isinstance(value, hint):
        raise fail
    return value


def _describe(hint) -> str:
    origin = typing.get_origin(hint)
    if origin is Literal:
        return "one of " + ", ".join(repr(a) for a in typing.get_args(hint))
    if origin in (tuple, list):
        return "a list"
    return getattr(hint, "__name__", str(hint))


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


def _is_plain_name(name: str) -> bool:
    return bool(name) and all(c.isalnum() or c in "_-" for c in name)
