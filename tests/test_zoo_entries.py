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
from ganzoo import config, datasets, export, zoo
from ganzoo.datasets import spec_for_entry
from tests.conftest import synthetic_data, synthetic_pairs, tiny_entry_overrides

ENTRIES = ganzoo.list_models()


def tiny(name):
    cfg = config.load_entry(name, tiny_entry_overrides(name))
    return cfg, zoo.build_from_config(cfg)


def is_translation(cfg):
    return datasets.kind_for_entry(cfg) == "pairs"


def train_a_little(cfg, model, steps=2):
    model.compile()
    image_shape, num_classes = spec_for_entry(cfg)
    if is_translation(cfg):
        data = synthetic_pairs(image_shape)
    else:
        data = synthetic_data(image_shape, num_classes)
    batches = model.input_pipeline(data, global_batch_size=8, seed=0)
    history = model.fit(batches, epochs=1, steps_per_epoch=steps, verbose=0)
    return history.history


def outputs_of(model, cfg, seed=3):
    """What the entry makes: 5 samples, or 5 translations of fixed inputs (per direction)."""
    if is_translation(cfg):
        inputs = np.random.default_rng(seed).uniform(-1, 1, (5, *model.image_shape))
        return {d: model.translate(inputs.astype(np.float32), d) for d in model.directions}
    labels = np.arange(5) % model.num_classes if model.conditional else None
    return {"samples": model.sample(5, labels=labels, seed=seed)}


def assert_same_outputs(a, b, atol):
    assert a.keys() == b.keys()
    for key in a:
        np.testing.assert_allclose(a[key], b[key], atol=atol)


@pytest.mark.parametrize("name", ENTRIES)
def test_entry_trains_saves_reloads_and_exports(name, tmp_path):
    cfg, model = tiny(name)
    before = [v.numpy().copy() for v in model.generator_variables]
    logs = train_a_little(cfg, model)
    assert int(model.g_optimizer.iterations) == 2
    assert int(model.d_optimizer.iterations) == 2 * getattr(cfg.model, "d_steps", 1)
    for key in ("d_loss", "g_loss"):
        assert np.isfinite(logs[key][-1])
    assert any(not np.array_equal(a, b.numpy()) for a, b in zip(before, model.generator_variables))

    outputs = outputs_of(model, cfg)
    for images in outputs.values():
        assert images.shape == (5, *model.image_shape) and images.dtype == np.float32
        if len(model.image_shape) == 3:  # images in [-1, 1]; 2D points are unbounded
            assert np.all(np.abs(images) <= 1.0)
    assert_same_outputs(outputs, outputs_of(model, cfg), atol=0)

    # whole GAN round-trips through .keras in safe mode
    path = tmp_path / "gan.keras"
    model.save(path)
    reloaded = keras.saving.load_model(path, safe_mode=True)
    assert type(reloaded) is type(model) and reloaded.hparams == model.hparams
    assert_same_outputs(outputs_of(reloaded, cfg), outputs, atol=1e-6)
    for a, b in zip(reloaded.discriminator_variables, model.discriminator_variables):
        np.testing.assert_array_equal(a.numpy(), b.numpy())

    # SavedModel in TF Serving layout answers like the Keras model
    picture = np.zeros((8, 8, 3), np.uint8) if is_translation(cfg) else None
    version_dir = export.export(model, cfg, tmp_path / "models", card=_card(cfg), picture=picture)
    assert version_dir.name == "1" and (version_dir / "saved_model.pb").is_file()
    signatures = tf.saved_model.load(str(version_dir)).signatures
    for key, expected in outputs.items():
        if is_translation(cfg):
            inputs = np.random.default_rng(3).uniform(-1, 1, (5, *model.image_shape))
            serving = signatures["serving_default" if key == model.directions[0] else key]
            served = serving(images=tf.constant(inputs, tf.float32))
        else:
            inputs = {"z": tf.random.stateless_normal((5, cfg.model.latent_dim), seed=(3, 0))}
            if model.conditional:
                inputs["labels"] = tf.constant(np.arange(5) % model.num_classes, tf.int32)
            served = signatures["serving_default"](**inputs)
        assert set(served) == {"images"}
        np.testing.assert_allclose(served["images"].numpy(), expected, atol=1e-5)

    loaded = zoo.load(name, models_dir=tmp_path / "models")
    assert_same_outputs(outputs_of(loaded, cfg), outputs, atol=1e-6)


FAMILY_ENTRIES = sorted({config.load_entry(n).family: n for n in ENTRIES}.values())


@pytest.mark.parametrize("name", FAMILY_ENTRIES)
def test_the_training_seed_alone_decides_every_initial_weight(name):
    """Same seed, same weights; another seed, every random kernel differs. A seed fixed
    outside `keras.utils.set_random_seed` (an initializer built at import) fails the second:
    its layers start the same whatever the seed, and differ from process to process."""
    cfg = config.load_entry(name, tiny_entry_overrides(name))

    def weights(seed):
        keras.utils.set_random_seed(seed)
        return [(w.path, np.asarray(w)) for w in zoo.build_from_config(cfg).weights]

    first, again, other = weights(1), weights(1), weights(2)
    for (path, a), (_, b), (_, c) in zip(first, again, other):
        np.testing.assert_array_equal(a, b)
        # a random kernel, not a constant bias or scale, nor the cluster cuts (normal quantiles)
        if np.unique(a).size > 1 and "cluster_code" not in path:
            assert not np.array_equal(a, c), path


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
        "dcgan_mnist", {**tiny_entry_overrides("dcgan_mnist"), "model.ema_decay": 0.0}))
    assert no_ema.ema_generator is None and no_ema.sampling_generator is no_ema.generator


def test_k_discriminator_steps_per_generator_step():
    cfg = config.load_entry("gan_mnist", {**tiny_entry_overrides("gan_mnist"), "model.d_steps": 3})
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
