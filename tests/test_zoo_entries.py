"""Every zoo entry, shrunk to a tiny size: builds, trains, saves, reloads, exports.

Parametrized over the registry, so a new entry is covered by adding its config.
Synthetic images of the entry's shape are used here because this file tests
model mechanics; the real-data path is tested in test_cli.py.
"""

import keras
import numpy as np
import pytest
import tensorflow as tf

import ganzoo
from ganzoo import config, export, zoo
from ganzoo.datasets import spec
from ganzoo.datasets.pipeline import adversarial_batches
from tests.conftest import synthetic_data, tiny_overrides

ENTRIES = ganzoo.list_models()


def tiny(name):
    family = config.load_entry(name).family
    cfg = config.load_entry(name, tiny_overrides(family))
    return cfg, zoo.build_from_config(cfg)


def train_a_little(cfg, model, steps=2):
    model.compile()
    image_shape, num_classes = spec(cfg.dataset, cfg.data.image_size)
    data = synthetic_data(image_shape, num_classes)
    batches = adversarial_batches(data, global_batch_size=8, d_steps=cfg.model.d_steps,
                                  latent_dim=cfg.model.latent_dim, seed=0)
    history = model.fit(batches, epochs=1, steps_per_epoch=steps, verbose=0)
    return history.history


@pytest.mark.parametrize("name", ENTRIES)
def test_entry_trains_saves_reloads_and_exports(name, tmp_path):
    cfg, model = tiny(name)
    before = [w.copy() for w in model.generator.get_weights()]
    logs = train_a_little(cfg, model)
    assert int(model.g_optimizer.iterations) == 2
    assert int(model.d_optimizer.iterations) == 2 * cfg.model.d_steps
    for key in ("d_loss", "g_loss"):
        assert np.isfinite(logs[key][-1])
    assert any(not np.array_equal(a, b) for a, b in zip(before, model.generator.get_weights()))

    labels = np.arange(5) % model.num_classes if model.conditional else None
    images = model.sample(5, labels=labels, seed=3)
    assert images.shape == (5, *model.image_shape) and images.dtype == np.float32
    if len(model.image_shape) == 3:  # images in [-1, 1]; 2D points are unbounded
        assert np.all(np.abs(images) <= 1.0)
    np.testing.assert_array_equal(images, model.sample(5, labels=labels, seed=3))

    # whole GAN round-trips through .keras in safe mode
    path = tmp_path / "gan.keras"
    model.save(path)
    reloaded = keras.saving.load_model(path, safe_mode=True)
    assert type(reloaded) is type(model) and reloaded.hparams == model.hparams
    np.testing.assert_allclose(reloaded.sample(5, labels=labels, seed=3), images, atol=1e-6)
    for a, b in zip(reloaded.discriminator.get_weights(), model.discriminator.get_weights()):
        np.testing.assert_array_equal(a, b)

    # SavedModel in TF Serving layout answers like the Keras model
    version_dir = export.export(model, cfg, tmp_path / "models", card=_card(cfg))
    assert version_dir.name == "1" and (version_dir / "saved_model.pb").is_file()
    serving = tf.saved_model.load(str(version_dir)).signatures["serving_default"]
    z = tf.random.stateless_normal((5, cfg.model.latent_dim), seed=(3, 0))
    inputs = {"z": z}
    if model.conditional:
        inputs["labels"] = tf.constant(labels, tf.int32)
    served = serving(**inputs)
    assert set(served) == {"images"}
    np.testing.assert_allclose(served["images"].numpy(), images, atol=1e-5)

    loaded = zoo.load(name, models_dir=tmp_path / "models")
    np.testing.assert_allclose(loaded.sample(5, labels=labels, seed=3), images, atol=1e-6)


def test_different_seeds_give_different_samples():
    # an MLP without batch norm: tiny conv nets with barely-trained batch-norm
    # statistics can be constant in inference mode, which would prove nothing
    model = ganzoo.build("gan_mnist", generator_units=[8], discriminator_units=[8])
    assert not np.array_equal(model.sample(4, seed=3), model.sample(4, seed=4))
    assert not np.array_equal(model.sample(4)[0], model.sample(4)[0])  # seed=None: fresh


def test_export_never_overwrites_a_version(tmp_path):
    cfg, model = tiny("dcgan_mnist")
    first = export.export(model, cfg, tmp_path, card=_card(cfg))
    stamp = (first / "saved_model.pb").stat().st_mtime_ns
    second = export.export(model, cfg, tmp_path, card=_card(cfg))
    assert (first.name, second.name) == ("1", "2")
    assert (first / "saved_model.pb").stat().st_mtime_ns == stamp
    assert not [p for p in (tmp_path / cfg.name).iterdir() if p.name.startswith(".tmp")]
    assert zoo.available_versions(tmp_path / cfg.name) == [1, 2]
    card = (tmp_path / cfg.name / "README.md").read_text()
    assert "version 2" in card and "SHA-256" in card


def test_sampling_uses_the_ema_generator():
    cfg, model = tiny("dcgan_mnist")
    assert model.sampling_generator is model.ema_generator
    train_a_little(cfg, model, steps=3)
    live = model.generator.get_weights()
    ema = model.ema_generator.get_weights()
    assert any(not np.allclose(a, b) for a, b in zip(live, ema))
    no_ema = zoo.build_from_config(config.load_entry(
        "dcgan_mnist", {**tiny_overrides("dcgan"), "model.ema_decay": 0.0}))
    assert no_ema.ema_generator is None and no_ema.sampling_generator is no_ema.generator


def test_k_discriminator_steps_per_generator_step():
    cfg = config.load_entry("gan_mnist", {**tiny_overrides("gan"), "model.d_steps": 3})
    model = zoo.build_from_config(cfg)
    train_a_little(cfg, model, steps=2)
    assert int(model.d_optimizer.iterations) == 6 and int(model.g_optimizer.iterations) == 2


def test_build_accepts_overrides():
    model = ganzoo.build("gan_mnist", latent_dim=7, **{"train.batch_size": 4})
    assert model.hparams.latent_dim == 7
    assert model.generator.input_shape == (None, 7)


def _card(cfg):
    return {"name": cfg.name, "family": cfg.family, "data_source": "synthetic test data",
            "num_examples": 32, "steps": 2, "batch_size": 8, "replicas": 1,
            "wall_time_s": 0.0, "command": "pytest"}
