"""Test set-up: two logical CPU devices (for the mirrored tests), offline data, tiny models."""

import os

os.environ.setdefault("KERAS_BACKEND", "tensorflow")
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
os.environ["GANZOO_OFFLINE"] = "1"  # CI has no network: never probe it

import dataclasses  # noqa: E402

import numpy as np  # noqa: E402
import pytest  # noqa: E402
import tensorflow as tf  # noqa: E402

_cpu = tf.config.list_physical_devices("CPU")[0]
tf.config.set_logical_device_configuration(
    _cpu, [tf.config.LogicalDeviceConfiguration(), tf.config.LogicalDeviceConfiguration()]
)

from ganzoo.datasets.base import from_arrays  # noqa: E402
from ganzoo.registry import get_family  # noqa: E402


def tiny_overrides(family_name: str) -> dict:
    """Shrink any family to a few thousand weights, whatever its hyperparameters are called."""
    overrides = {"train.batch_size": 8, "train.steps": 2, "train.steps_per_epoch": 1}
    for field in dataclasses.fields(get_family(family_name).Hyperparameters):
        if field.name.endswith("_filters"):
            overrides[f"model.{field.name}"] = 4
        elif field.name.endswith("_units"):
            overrides[f"model.{field.name}"] = [16, 16]
        elif field.name == "latent_dim":
            overrides["model.latent_dim"] = 8
    return overrides


def synthetic_data(image_shape, num_classes, count=32, seed=0):
    """Random images of the right shape, for model mechanics only (never to train a shipped model)."""
    rng = np.random.default_rng(seed)
    images = rng.integers(0, 256, size=(count, *image_shape))
    labels = rng.integers(0, num_classes or 1, size=count)
    return from_arrays("synthetic", "train", "synthetic test data", images, labels, num_classes)


@pytest.fixture
def models_dir(tmp_path, monkeypatch):
    path = tmp_path / "models"
    monkeypatch.setenv("GANZOO_MODELS_DIR", str(path))
    return path
