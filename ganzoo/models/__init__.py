"""GAN families: every module in this package is imported, so a family registers itself by
its `@register_family` decorator alone, and is looked up here."""

import importlib
import pkgutil

from ganzoo import registry
from ganzoo.models.base import AdversarialModel

for _module in pkgutil.iter_modules(__path__):
    importlib.import_module(f"{__name__}.{_module.name}")

__all__ = ["AdversarialModel", "family_names", "get_family"]


def get_family(name: str) -> type:
    families = registry.registered()
    try:
        return families[name]
    except KeyError:
        raise KeyError(
            f"unknown GAN family '{name}'; known families: {', '.join(sorted(families))}"
        ) from None


def family_names() -> list[str]:
    return sorted(registry.registered())
