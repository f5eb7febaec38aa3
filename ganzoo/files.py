"""Writing files that a kill, or a concurrent reader, must never see half written."""

import contextlib
import json
import uuid
from pathlib import Path


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
