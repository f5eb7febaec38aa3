"""Where zoo configs and trained models live.

A source checkout (plain or editable install) uses the repository's top-level
`zoo_configs/` and `saved_models/`. A built wheel carries `zoo_configs/` inside the
package (setup.cfg maps it to `ganzoo.zoo_configs`) but not the models: it fetches
them into the cache (`ganzoo.hub`). Environment variables point elsewhere without code.
"""

import os
from pathlib import Path

CONFIGS_ENV = "GANZOO_CONFIGS_DIR"
MODELS_ENV = "GANZOO_MODELS_DIR"

_PACKAGE_DIR = Path(__file__).resolve().parent


def _bundled(folder: str) -> Path:
    checkout = _PACKAGE_DIR.parent / folder
    wheel = _PACKAGE_DIR / folder
    if wheel.is_dir() and not checkout.is_dir():
        return wheel
    return checkout


def repository_root() -> Path:
    """The source checkout this package runs from (where README.md lives)."""
    return _PACKAGE_DIR.parent


def configs_dir() -> Path:
    """Folder of zoo entry files (`<name>.toml`)."""
    return Path(os.environ.get(CONFIGS_ENV) or _bundled("zoo_configs"))


def shipped_models_dir() -> Path:
    """The trained models that ship with ganzoo: the maintainers' `saved_models/` in a source
    checkout (absent from an installed wheel, which fetches them; see `ganzoo.hub`)."""
    return _bundled("saved_models")


def models_dir(override: str | os.PathLike | None = None) -> Path:
    """Where `train` exports and `load` looks first: flag, then env, then the shipped zoo."""
    chosen = override or os.environ.get(MODELS_ENV)
    return Path(chosen).expanduser() if chosen else shipped_models_dir()


def export_dir(override: str | os.PathLike | None) -> Path:
    """Where a training run exports: flag, then env, then the user models directory, zoo
    entries included. The shipped saved_models/ changes only when asked for (`--models_dir
    saved_models`): a user's run never writes into the installed package or the checkout."""
    if override or os.environ.get(MODELS_ENV):
        return models_dir(override)
    return user_models_dir()


USER_MODELS_ENV = "GANZOO_USER_MODELS_DIR"


def user_models_dir() -> Path:
    """Models a user trained on their own images or entry files: under their home, never
    inside the installed package ($GANZOO_USER_MODELS_DIR, else $XDG_DATA_HOME/ganzoo/models,
    else ~/.local/share/ganzoo/models)."""
    chosen = os.environ.get(USER_MODELS_ENV)
    if chosen:
        return Path(chosen).expanduser()
    data_home = os.environ.get("XDG_DATA_HOME") or Path.home() / ".local" / "share"
    return Path(data_home) / "ganzoo" / "models"


OFFLINE_ENV = "GANZOO_OFFLINE"  # set to 1 to never try the network


def offline() -> bool:
    """GANZOO_OFFLINE is set (and not 0): nothing may open a socket."""
    return os.environ.get(OFFLINE_ENV, "") not in ("", "0")


CACHE_ENV = "GANZOO_CACHE_DIR"


def cache_dir() -> Path:
    """Derived data that is safe to delete (reference features, prepared image sets)."""
    return Path(os.environ.get(CACHE_ENV) or Path.home() / ".cache" / "ganzoo")


def shown(path: str | os.PathLike) -> str:
    """`path` as a card shows it: relative to the installed packages or the home folder when
    it lies there, so a shipped card does not carry the trainer's machine layout."""
    import sysconfig

    path = Path(path)
    for prefix, root in (("<site-packages>", sysconfig.get_paths()["purelib"]),
                         ("~", Path.home())):
        try:
            return f"{prefix}/{path.relative_to(root).as_posix()}"
        except ValueError:
            continue
    return str(path)
