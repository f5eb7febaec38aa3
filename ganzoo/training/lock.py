"""One training run per work directory, enforced by an OS file lock.

`flock` locks belong to the process: the kernel drops them when it exits,
however it exits (`kill -9` included), so a crashed run never leaves a stale
lock behind, and a second run on the same directory is refused at once
instead of both writing checkpoints over each other.
"""

import contextlib
import fcntl
import os
from pathlib import Path

LOCK_FILE = ".lock"


class WorkdirBusy(RuntimeError):
    """Another live process is training in this work directory."""


@contextlib.contextmanager
def exclusive(workdir: Path):
    path = Path(workdir) / LOCK_FILE
    handle = open(path, "a+")
    try:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            handle.seek(0)
            holder = handle.read().strip() or "another process"
            raise WorkdirBusy(f"{workdir} is in use by {holder}; wait for that run to end "
                              f"or use another --workdir") from None
        handle.seek(0)
        handle.truncate()
        handle.write(f"process {os.getpid()}")
        handle.flush()
        yield
    finally:
        handle.close()  # releases the lock
