"""Typed config sections: a dataclass filled from a TOML table, with errors that name the file
and the key; and the [train] table every family shares. A leaf module: the families use it
(their hyperparameters, their default optimizers) without importing the entry loader
(ganzoo.config), which looks the families up.
"""

import dataclasses
import types
import typing
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Literal


class ConfigError(ValueError):
    """A zoo entry or an override that does not fit its schema."""


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
        key: typed(value, hints[key], where, f"{section}.{key}") for key, value in values.items()
    }
    try:
        return cls(**kwargs)
    except ConfigError as err:
        raise ConfigError(f"{where}: {err}") from None


def typed(value, hint, where: str, key: str):
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
        return tuple(typed(v, item, where, key) for v in value)
    if origin in (typing.Union, types.UnionType):
        for option in typing.get_args(hint):
            try:
                return typed(value, option, where, key)
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
    # "cosine": they fall along a cosine to lr_final_share of their value (R3GAN's schedule,
    # whose paper ends at 2e-4 -> 5e-5, a share of 0.25).
    lr_decay: Literal["none", "linear", "cosine"] = "none"
    lr_final_share: float = 0.0
    # Adam's beta_2 rises (or falls) along a cosine from beta_2 to this at train.steps;
    # 0 keeps it constant. R3GAN: 0.9 -> 0.99.
    beta_2_final: float = 0.0
    # The images over which the learning-rate and beta_2 schedules run (0: train.steps x
    # batch_size, the run itself). A paper's schedule is set over its horizon (R3GAN's FFHQ-64:
    # 20 million images); squeezed into a short run it decays before training has started,
    # so an entry that follows a paper gives the paper's horizon here.
    schedule_images: int = 0
    seed: int = 0
    jit_compile: bool = True  # XLA; docs/speed.md has what it gains on each kind of network
    # Keras mixed precision for training only: "mixed_bfloat16" computes in bfloat16
    # (AMX-BF16 CPUs, TPUs, recent GPUs) and keeps float32 weights; exports stay float32.
    precision: Literal["float32", "mixed_bfloat16"] = "float32"
    # Train steps per call of the compiled step (Keras' steps_per_execution). Small
    # networks (the 2D MLPs) spend most of a step in Python and dispatch; running many
    # steps in one tf.function loop removes that. Callbacks then see every N-th step.
    steps_per_execution: int = 1

    @property
    def schedule_steps(self) -> int:
        """The steps over which the schedules run (`schedule_images`, else the whole run)."""
        if self.schedule_images:
            return max(1, round(self.schedule_images / self.batch_size))
        return self.steps

    def __post_init__(self):
        if not 0.0 <= self.lr_final_share <= 1.0:
            raise ConfigError(f"train.lr_final_share must be in [0, 1], got {self.lr_final_share}")
        if self.lr_final_share and self.lr_decay != "cosine":
            raise ConfigError("train.lr_final_share is where a cosine decay ends: set "
                              "train.lr_decay = 'cosine'")
        if not 0.0 <= self.beta_2_final < 1.0:
            raise ConfigError(f"train.beta_2_final must be in [0, 1) (0 = constant beta_2), "
                              f"got {self.beta_2_final}")
        if self.beta_2_final and self.optimizer != "adam":
            raise ConfigError("train.beta_2_final schedules Adam's beta_2; the optimizer is "
                              f"{self.optimizer!r}")
        if self.schedule_images < 0:
            raise ConfigError(f"train.schedule_images must be >= 0 (0 = the run's own length), "
                              f"got {self.schedule_images}")
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
