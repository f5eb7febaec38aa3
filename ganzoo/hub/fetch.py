"""Shipped model files on demand: from a mirror into the cache, each checked against the
registry before it is used.

- **Where from.** `$GANZOO_MIRROR`: an http(s) URL, a `file://` URL or a folder, laid out as
  `ganzoo download --dest` writes it (`<item>/<file>`). Unset, the project's release location,
  `DEFAULT_MIRROR`.
- **Where to.** `<cache>/models/<item>/<file>` (`$GANZOO_CACHE_DIR`, else ~/.cache/ganzoo).
- **How.** HTTP goes through `pooch` (Uieda et al.), built for hash-checked downloads into a
  cache: it streams into a temporary file in the target folder, checks the hash the registry
  records (SHA-256; for Keras' InceptionV3 file, the MD5 Keras publishes), and only
  then renames it into place, so nothing half-written is ever at a file's name; it retries
  with a growing wait, and `requests` under it honours HTTPS_PROXY and NO_PROXY. A folder
  mirror is copied the same way by `copy_verified`. Several processes fetching at once each
  write their own temporary file and rename a complete, verified copy: no lock, so none can
  hang on a network disk.
- **Leftovers.** A download killed outright (SIGKILL, power loss) leaves its temporary file
  (`tmp*` from pooch, `.<name>.<hex>.tmp*` from a folder mirror's copy) beside the target. The
  next fetch into that folder removes those older than an hour that no live process holds
  open; `ganzoo cache` re-hashes the whole cache, lists what is stale or corrupt, and removes
  it with `--remove`.
- **When.** Every use re-hashes the cached files (tens of MB for a model). A file
  that is present and matches makes no request; one that is missing or differs is fetched
  once. With `GANZOO_OFFLINE=1` nothing is fetched over the network and no socket is opened
  (a mirror folder is still read): the error names the file, its hash, its URL and the
  command that fetches it.
"""

import os
import shutil
import urllib.parse
from pathlib import Path

from absl import logging

from ganzoo import files, integrity, paths
from ganzoo.hub import registry

MIRROR_ENV = "GANZOO_MIRROR"
# The project's release location: the one place that names it (docs/distribution.md).
DEFAULT_MIRROR = "https://huggingface.co/ganzoo/zoo/resolve/main"
TIMEOUT_ENV = "GANZOO_FETCH_TIMEOUT"  # seconds without a byte before a try is given up
RETRIES_ENV = "GANZOO_FETCH_RETRIES"  # further tries after a failed one (waits 1 s, 2 s, ...)


class FetchError(OSError):
    """A shipped file could not be fetched and verified."""


class OfflineError(FetchError):
    """A shipped file is needed, absent or wrong in the cache, and fetching is switched off."""


def mirror(item: str | None = None) -> str:
    """$GANZOO_MIRROR; unset, the release location, or an external item's own origin."""
    return os.environ.get(MIRROR_ENV) or (item and registry.origin(item)) or DEFAULT_MIRROR


def cache_root() -> Path:
    return paths.cache_dir() / "models"


def url_of(item: str, record: registry.FileRecord) -> str:
    base = mirror(item).rstrip("/")
    if not os.environ.get(MIRROR_ENV) and registry.origin(item):
        return f"{base}/{urllib.parse.quote(record.path)}"  # an origin has its own layout
    return f"{base}/{item}/{urllib.parse.quote(record.path)}"


def ensure(item: str, items: dict | None = None) -> Path:
    """The cached folder of registry item `item` (`dcgan_mnist/7`, `_evaluators`), every file
    present and matching the registry; fetches what is missing or differs."""
    items = registry.with_external(registry.load() if items is None else items)
    if item not in items:
        raise KeyError(f"'{item}' is not in ganzoo's registry of shipped models")
    folder = cache_root() / item
    wanted = [r for r in items[item] if not matches(folder / r.path, r)]
    if wanted:
        total = sum(r.size or 0 for r in wanted)
        if paths.offline() and _is_remote(mirror(item)):
            r = wanted[0]
            raise OfflineError(
                f"{folder / r.path} is {'corrupt' if (folder / r.path).exists() else 'missing'}"
                f" and {paths.OFFLINE_ENV} is set, so it is not fetched. It is {url_of(item, r)} "
                f"({r.checksum}). Fetch it on a machine with a network with:\n"
                f"    ganzoo download {item.split('/')[0]}\n"
                f"or point {MIRROR_ENV} at a mirror folder ({len(wanted)} file(s) needed)")
        for leftover in stale_temporaries(folder):
            leftover.unlink(missing_ok=True)
            logging.info("Removed %s, a temporary file an interrupted download left", leftover)
        logging.info("Fetching %s (%d file(s), %.1f MB) from %s into %s", item, len(wanted),
                     total / 1e6, _shown(mirror(item)), folder)
        for record in wanted:
            _fetch(item, record, folder / record.path)
    return folder


STALE_AFTER_S = 3600  # a temporary file untouched this long belongs to no running download


def is_temporary(path: Path) -> bool:
    """pooch's `tmp*` files and `files.replaced_atomically`'s `.<stem>.<hex>.tmp<suffix>`."""
    name = path.name
    return name.startswith("tmp") or (name.startswith(".") and ".tmp" in name)


def stale_temporaries(folder: Path, now: float | None = None) -> list[Path]:
    """Temporary files under `folder` older than `STALE_AFTER_S` that no live process holds
    open (where /proc tells; elsewhere the age alone decides)."""
    import time

    if not folder.is_dir():
        return []
    now = time.time() if now is None else now
    old = [p for p in folder.rglob("*") if p.is_file() and is_temporary(p)
           and now - p.stat().st_mtime > STALE_AFTER_S]
    held = _held_open()
    return [p for p in old if p.resolve() not in held]


def _held_open() -> set[Path]:
    """Every file some process of this machine has open (Linux's /proc; empty elsewhere or
    where another user's processes cannot be read)."""
    held = set()
    for fd_dir in Path("/proc").glob("[0-9]*/fd"):
        try:
            for fd in fd_dir.iterdir():
                try:
                    held.add(Path(os.readlink(fd)))
                except OSError:
                    continue
        except OSError:
            continue
    return held


def matches(path: Path, record: registry.FileRecord) -> bool:
    return (path.is_file() and not path.is_symlink()
            and record.size in (None, path.stat().st_size)
            and integrity.file_digest(path, record.algorithm) == record.digest)


def _is_remote(base: str) -> bool:
    return urllib.parse.urlparse(base).scheme in ("http", "https")


def _fetch(item: str, record: registry.FileRecord, target: Path) -> None:
    base = mirror(item)
    scheme = urllib.parse.urlparse(base).scheme
    if _is_remote(base):
        _download(url_of(item, record), record, target)
        return
    root = Path(urllib.parse.unquote(urllib.parse.urlparse(base).path)) if scheme == "file" \
        else Path(base).expanduser()
    copy_verified(root / item / record.path, record, target)


def _download(url: str, record: registry.FileRecord, target: Path) -> None:
    import pooch
    import requests

    timeout = float(os.environ.get(TIMEOUT_ENV) or 60)
    retries = int(os.environ.get(RETRIES_ENV) or 3)
    http = pooch.HTTPDownloader(timeout=timeout, progressbar=False)

    def download(url, output_file, pup):
        try:
            http(url, output_file, pup)
        except requests.HTTPError as err:
            status = err.response.status_code if err.response is not None else None
            if status in (401, 403, 404, 410):  # the mirror lacks it: retrying will not help
                raise FetchError(f"{url}: HTTP {status}; the mirror does not have this "
                                 f"file") from None
            raise
        written = os.path.getsize(output_file)
        if record.size is not None and written != record.size:  # pooch retries on ValueError
            raise ValueError(f"{url}: {written} bytes, expected {record.size}")

    pooch.get_logger().setLevel("WARNING")
    try:
        files = pooch.create(path=target.parent, base_url=url.rsplit("/", 1)[0] + "/",
                             registry={target.name: record.checksum}, retry_if_failed=retries,
                             urls={target.name: url})
        files.fetch(target.name, downloader=download)
    except FetchError:
        raise
    except (ValueError, requests.RequestException) as err:
        raise FetchError(f"could not fetch {url} ({record.checksum}) after {retries + 1} tries:"
                         f" {err}") from None


def copy_verified(source: Path, record: registry.FileRecord, target: Path) -> None:
    """A folder mirror's file copied as pooch downloads one: into a temporary file beside the
    target, checked, then renamed into place (`files.replaced_atomically`)."""
    if not source.is_file():
        raise FetchError(f"the mirror folder has no {source}")
    target.parent.mkdir(parents=True, exist_ok=True)
    with files.replaced_atomically(target) as partial:
        shutil.copyfile(source, partial)
        if not matches(partial, record):
            raise FetchError(f"{source} does not match the registry (size {record.size}, "
                             f"{record.checksum})")


def _shown(base: str) -> str:
    return base if "://" in base else str(Path(base).expanduser())
