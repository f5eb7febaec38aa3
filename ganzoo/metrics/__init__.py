"""Evaluation metrics as pure functions of samples or activations.

Each module lists its public metrics in its own `__all__`, and this package offers them all
(`ganzoo.metrics.psnr`, ...), so a new metric is written in one module only. The metrics an
image evaluation reports are marked where they are defined (`report.reported_in`).
"""

import importlib
import pkgutil

__all__ = []
for _module in pkgutil.iter_modules(__path__):
    _loaded = importlib.import_module(f"{__name__}.{_module.name}")
    for _name in getattr(_loaded, "__all__", ()):
        globals()[_name] = getattr(_loaded, _name)
        __all__.append(_name)
