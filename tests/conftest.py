"""Test set-up: two logical CPU devices (for the mirrored tests), offline data, tiny models."""

import os

os.environ.setdefault("KERAS_BACKEND", "tensorflow")
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
os.environ["GANZOO_OFFLINE"] = "1"  # CI has no network: never probe it


import numpy as np  # noqa: E402
import pytest  # noqa: E402
import tensorflow as tf  # noqa: E402

_cpu = tf.config.list_physical_devices("CPU")[0]
tf.config.set_logical_device_configuration(
    _cpu, [tf.config.LogicalDeviceConfiguration(), tf.config.LogicalDeviceConfiguration()]
)

from ganzoo.datasets.base import from_arrays  # noqa: E402
from ganzoo.models import get_family  # noqa: E402


def tiny_overrides(family_name: str, levels: int = 2) -> dict:
    """A family shrunk to a few thousand weights (its declared `test_sizes`), trained a step at
    a time. `levels`: for ProGAN, how many resolution levels the entry's data needs."""
    return {"train.batch_size": 8, "train.steps": 2, "train.steps_per_epoch": 1,
            "train.steps_per_execution": 1, **get_family(family_name).test_overrides(levels)}


def tiny_entry_overrides(name: str) -> dict:
    """tiny_overrides for zoo entry `name`, keeping the shape of its data."""
    from ganzoo import config

    cfg = config.load_entry(name)
    overrides = tiny_overrides(cfg.family, len(getattr(cfg.model, "filters", ())) or 2)
    if getattr(cfg.model, "self_conditioning", 0):  # synthetic data has 32-64 images, not 50+
        overrides["model.self_conditioning"] = 4
    return overrides


def synthetic_data(image_shape, num_classes, count=32, seed=0):
    """Random images of the right shape, for model mechanics only (never to train a shipped
    model)."""
    rng = np.random.default_rng(seed)
    images = rng.integers(0, 256, size=(count, *image_shape))
    labels = rng.integers(0, num_classes or 1, size=count)
    return from_arrays("synthetic", "train", "synthetic test data", images, labels, num_classes)


def synthetic_pairs(image_shape, count=16, paired=True, seed=0):
    """Two random image domains where b = -a (so pairing is checkable), for mechanics only."""
    from ganzoo.datasets.base import ImagePairs

    rng = np.random.default_rng(seed)
    a = rng.uniform(-1, 1, size=(count, *image_shape)).astype(np.float32)
    return ImagePairs("synthetic", "train", "synthetic test pairs", tuple(image_shape), a, -a,
                      paired)


@pytest.fixture
def models_dir(tmp_path, monkeypatch):
    path = tmp_path / "models"
    monkeypatch.setenv("GANZOO_MODELS_DIR", str(path))
    return path


@pytest.fixture(autouse=True)
def private_cache(tmp_path_factory, monkeypatch):
    """Tests never read or write the user's cache (evaluation features, prepared images) or
    the user's own models."""
    monkeypatch.setenv("GANZOO_CACHE_DIR", str(tmp_path_factory.mktemp("cache")))
    monkeypatch.setenv("GANZOO_USER_MODELS_DIR", str(tmp_path_factory.mktemp("user_models")))


def tiny_ring(steps: int = 8, **overrides):
    """gan_ring8 shrunk by tiny_overrides, `steps` steps in epochs of 2: runs for the
    resilience and warm-start tests, which check what happens between epochs."""
    from ganzoo import config

    return config.load_entry("gan_ring8", {**tiny_overrides("gan"), "train.steps": steps,
                                           "train.steps_per_epoch": 2, **overrides})
