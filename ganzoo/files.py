"""Writing files and folders that a kill, or a concurrent reader, must never see half written."""

import contextlib
import glob
import json
import os
import re
import shutil
import socket
import uuid
from pathlib import Path

BUILDING = ".partial-"  # in the name of a folder being built: .<name>.partial-<id>-<pid>-<host>
_BUILDER = re.compile(r"[0-9a-f]+-(?P<pid>\d+)-(?P<host>.+)")  # what follows BUILDING


@contextlib.contextmanager
def replaced_atomically(path: Path):
    """Yield a temporary path beside `path` to write to; once the block succeeds it is
    renamed over `path` in one step, so readers see the old file or the new, never a part.
    The temporary keeps `path`'s suffix (`np.savez` would otherwise append one)."""
    path = Path(path)
    partial = path.with_name(f".{path.stem}.{uuid.uuid4().hex}.tmp{path.suffix}")
    try:
        yield partial
        partial.replace(path)
    finally:
        partial.unlink(missing_ok=True)


def write_text(path: Path, text: str) -> None:
    """`text` at `path`, replaced atomically."""
    with replaced_atomically(path) as partial:
        partial.write_text(text)


def write_json(path: Path, value) -> None:
    """`value` as JSON at `path`, replaced atomically."""
    write_text(path, json.dumps(value))


@contextlib.contextmanager
def folder_built_beside(path: Path):
    """Yield a hidden path beside `path` to build a folder at, then rename it onto `path`
    inside the block to keep it; whatever is left of it after the block is removed. Its name
    carries this process's id and host, so a build killed outright (kill -9, a power cut)
    leaves a folder that `abandoned_builds` can tell from a build still running."""
    path = Path(path)
    partial = path.with_name(f".{path.name}{BUILDING}{uuid.uuid4().hex[:8]}-{os.getpid()}-"
                             f"{socket.gethostname()}")
    try:
        yield partial
    finally:
        shutil.rmtree(partial, ignore_errors=True)


def move_folder_into_place(built: Path, path: Path) -> None:
    """Rename the folder `built` onto `path` in one step; a folder already at `path` is
    moved aside first and removed after."""
    old = None
    if path.exists():
        old = path.with_name(f".{path.name}.old-{uuid.uuid4().hex[:8]}")
        path.rename(old)
    built.rename(path)
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)


def abandoned_builds(path: Path) -> list[Path]:
    """The folders `folder_built_beside(path)` left whose process is gone: started on this
    host by a process id that no longer runs. A build on another host, a running one, and
    anything not named like a build are left alone."""
    path = Path(path)
    found = []
    for partial in path.parent.glob(f".{glob.escape(path.name)}{BUILDING}*"):
        named = _BUILDER.fullmatch(partial.name.rsplit(BUILDING, 1)[1])
        if named and named["host"] == socket.gethostname() and not _running(int(named["pid"])):
            found.append(partial)
    return sorted(found)


def _running(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # another user's process
        pass
    return True
