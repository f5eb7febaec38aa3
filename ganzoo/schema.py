"""Typed config sections: a dataclass filled from a TOML table, with errors that name the file
and the key. A leaf module: the families' hyperparameter dataclasses use it without importing
the entry loader (ganzoo.config), which imports the registry, which imports the families.
"""

import dataclasses
import types
import typing
from collections.abc import Mapping
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
