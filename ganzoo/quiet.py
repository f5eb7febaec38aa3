"""TensorFlow's start-up lines, kept off a user's screen.

On a machine without a GPU, `import tensorflow` and its first device query write lines from
C++ straight to the process's standard error: the oneDNN notice and "Could not find cuda
drivers" (each twice), "failed call to cuInit" at ERROR level, which reads like a failure, and
absl's "All log messages before absl::InitializeLog()". `TF_CPP_MIN_LOG_LEVEL` does not hide
them in TensorFlow 2.21 (they are written before it is read; tensorflow/tensorflow#100442).

So the first import of TensorFlow runs with file descriptor 2 captured, and what it wrote is
written out again without those lines: anything else, a real error or warning included, still
shows. The CUDA lines are dropped only where no NVIDIA driver is installed.
`GANZOO_VERBOSE=1` (or `ganzoo --verbose`) leaves TensorFlow's output alone.
"""

import contextlib
import importlib.abc
import importlib.util
import logging
import os
import re
import sys
import tempfile
from pathlib import Path

from absl import logging as absl_logging

VERBOSE_ENV = "GANZOO_VERBOSE"
ALWAYS_NOISE = (r"All log messages before absl::InitializeLog\(\) is called"
                r"|oneDNN custom operations are on"
                r"|This TensorFlow binary is optimized to use available CPU instructions"
                r"|To enable the following instructions: .* rebuild TensorFlow")
# What CUDA says when there is no NVIDIA driver at all. With a driver these lines may be the
# news a user needs (a broken install), so they are kept there.
NO_GPU_NOISE = (r"Could not find cuda drivers on your machine"
                r"|failed call to cuInit"
                r"|Unable to register cu(DNN|FFT|BLAS) factory"
                r"|computation placer already registered"
                r"|TF-TRT Warning: Could not find TensorRT")
# Python loggers whose INFO lines are not news to a ganzoo user.
CHATTY_LOGGERS = ("tensorflow", "matplotlib")
HAS_NVIDIA_DRIVER = Path("/proc/driver/nvidia").exists()
STARTUP_NOISE = re.compile(ALWAYS_NOISE if HAS_NVIDIA_DRIVER
                           else f"{ALWAYS_NOISE}|{NO_GPU_NOISE}")


def verbose() -> bool:
    return os.environ.get(VERBOSE_ENV, "") not in ("", "0")


@contextlib.contextmanager
def startup_lines_filtered():
    """Capture what is written to file descriptor 2 inside the block, then write it out again
    without TensorFlow's start-up lines."""
    sys.stderr.flush()
    saved = os.dup(2)
    with tempfile.TemporaryFile() as captured:
        os.dup2(captured.fileno(), 2)
        try:
            yield
        finally:
            sys.stderr.flush()
            os.dup2(saved, 2)
            os.close(saved)
            captured.seek(0)
            kept = [line for line in captured.read().decode(errors="replace")
                    .splitlines(keepends=True) if not STARTUP_NOISE.search(line)]
            if kept:
                sys.stderr.write("".join(kept))
                sys.stderr.flush()


class _QuietLoader(importlib.abc.Loader):
    def __init__(self, loader):
        self._loader = loader

    def __getattr__(self, name):  # get_resource_reader, is_package, ...: the real loader's
        return getattr(self._loader, name)

    def create_module(self, spec):
        return self._loader.create_module(spec)

    def exec_module(self, module):
        with startup_lines_filtered():
            self._loader.exec_module(module)
            module.config.list_physical_devices()  # the CUDA probe prints "cuInit" here


class _QuietTensorFlowImport(importlib.abc.MetaPathFinder):
    """Finds nothing itself: on the first `import tensorflow` it wraps TensorFlow's own loader
    in the filter above, and then leaves the import machinery as it was."""

    def find_spec(self, name, path=None, target=None):
        if name != "tensorflow":
            return None
        sys.meta_path.remove(self)
        spec = importlib.util.find_spec(name)
        if spec is not None and spec.loader is not None:
            spec.loader = _QuietLoader(spec.loader)
        return spec


_TENSORFLOW_SOURCE = re.compile(r"[/\\](site|dist)-packages[/\\](tensorflow|keras)[/\\]")


class _TensorFlowInfoFilter(logging.Filter):
    """Drops INFO records that TensorFlow's own modules log through absl's logger, which
    ganzoo's messages share: TensorFlow's checkpoint code writes "Sharding callback
    duration" there at every save."""

    def filter(self, record):
        return record.levelno > logging.INFO or not _TENSORFLOW_SOURCE.search(record.pathname)


_ABSL_FILTER = _TensorFlowInfoFilter()


def install() -> None:
    """Filter TensorFlow's start-up lines when it is first imported, and keep its Python INFO
    lines ("Sharding callback duration", at every checkpoint) off the log (unless verbose):
    those of its own logger, and those it writes through absl's. Matplotlib, which Keras
    imports (keras.visualization), says "generated new fontManager" on a machine's first run."""
    if verbose():
        return
    for name in CHATTY_LOGGERS:
        logging.getLogger(name).setLevel(logging.WARNING)
    # absl's own accessor: a logger named "absl" made before absl.logging is imported would
    # be a plain Logger, and absl's records would lose their file and line.
    absl_logging.get_absl_logger().addFilter(_ABSL_FILTER)  # ignored if already there
    if "tensorflow" in sys.modules:
        return
    if not any(isinstance(finder, _QuietTensorFlowImport) for finder in sys.meta_path):
        sys.meta_path.insert(0, _QuietTensorFlowImport())


def undo() -> None:
    """Show TensorFlow's output after all (`ganzoo --verbose`), if it is not imported yet."""
    os.environ[VERBOSE_ENV] = "1"
    sys.meta_path[:] = [f for f in sys.meta_path if not isinstance(f, _QuietTensorFlowImport)]
    for name in CHATTY_LOGGERS:
        logging.getLogger(name).setLevel(logging.NOTSET)
    absl_logging.get_absl_logger().removeFilter(_ABSL_FILTER)
