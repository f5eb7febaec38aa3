"""ganzoo: a zoo of Generative Adversarial Networks on TensorFlow + Keras 3.

    import ganzoo
    ganzoo.list_models()
    images = ganzoo.load("cgan_mnist").sample(16, labels=list(range(10)) + [0] * 6)

The public names are imported on first use, so `import ganzoo` alone, and the
worker processes that prepare images, do not load TensorFlow.
"""

import importlib
import os

from ganzoo import quiet

os.environ.setdefault("KERAS_BACKEND", "tensorflow")
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "1")  # TensorFlow's INFO lines; warnings still show
quiet.install()

__version__ = "0.1.0"
_FROM_ZOO = ("NotTrainedError", "build", "card", "list_models", "load")
__all__ = ["NotTrainedError", "build", "card", "datasets", "list_models", "load"]


def __getattr__(name):
    if name in _FROM_ZOO:
        return getattr(importlib.import_module("ganzoo.zoo"), name)
    if name == "datasets":
        return importlib.import_module("ganzoo.datasets")
    raise AttributeError(f"module 'ganzoo' has no attribute '{name}'")
