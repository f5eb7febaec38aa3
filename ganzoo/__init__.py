"""ganzoo: a zoo of Generative Adversarial Networks on TensorFlow + Keras 3.

    import ganzoo
    ganzoo.list_models()
    images = ganzoo.load("cgan_mnist").sample(16, labels=list(range(10)) + [0] * 6)
"""

import os

os.environ.setdefault("KERAS_BACKEND", "tensorflow")
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

from ganzoo import datasets  # noqa: E402
from ganzoo.zoo import NotTrainedError, build, list_models, load  # noqa: E402

__version__ = "0.1.0"
__all__ = ["NotTrainedError", "build", "datasets", "list_models", "load"]
