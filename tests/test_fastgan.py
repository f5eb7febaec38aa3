"""FastGAN's networks and self-supervised discriminator, and the options added with it: the
growing EMA half-life, the schedule horizon in images, ADA's signal, translation's fill and
the generator's fresh real batch."""

import keras
import numpy as np
import pytest
import tensorflow as tf

import ganzoo
from ganzoo import config
from ganzoo.models.fastgan import FastGAN
from ganzoo.models.options import adaptive_augment, ema
from ganzoo.nn import diffaugment
from tests.conftest import synthetic_data

TINY = {"latent_dim": 8, "widths": [8], "discriminator_widths": [4], "decoder_widths": [4, 4]}


def _trained(settings, shape=(32, 32, 3), classes=None, steps=2, **kwargs):
    model = FastGAN({**TINY, **settings}, shape, num_classes=classes, **kwargs)
    model.compile()
    batches = model.input_pipeline(synthetic_data(shape, classes), global_batch_size=8, seed=0)
    history = model.fit(batches, epochs=1, steps_per_epoch=steps, verbose=0).history
    return model, history


def test_fastgan_trains_its_decoders_with_the_discriminator_and_logs_the_reconstruction():
    model, history = _trained({})
    assert np.isfinite(history["reconstruction"]).all()
    assert np.isfinite(history["d_loss"]).all()
    decoder_variables = [v for d in model.decoders for v in d.trainable_variables]
    assert decoder_variables
    d_ids = {id(v) for v in model.discriminator_variables}
    assert all(id(v) in d_ids for v in decoder_variables)
    # the encoder the decoders read is the discriminator's own trunk, not a copy
    trunk = {id(v) for v in model.encoder.trainable_variables}
    assert trunk <= {id(v) for v in model.discriminator.trainable_variables}


def test_the_reconstruction_term_reaches_the_discriminator_loss_and_can_be_turned_off():
    with_decoders = FastGAN(TINY, (32, 32, 3))
    without = FastGAN({**TINY, "reconstruction_weight": 0.0}, (32, 32, 3))
    assert without.decoders is None and "reconstruction" not in without._trackers
    real = tf.random.stateless_uniform((4, 32, 32, 3), (1, 2), -1, 1)
    for model in (with_decoders, without):
        model.compile()
    penalty = with_decoders.discriminator_penalty(real, real, None, None)
    assert float(penalty) > 0
    assert without.discriminator_penalty(real, real, None, None) == 0.0


def test_fastgan_discriminator_scores_a_map_of_patches_and_generator_excites_skip_layers():
    model = FastGAN(TINY, (64, 64, 3))
    assert model.discriminator.output.shape[1:] == (25,)  # a 5x5 map from 8x8 features
    names = [layer.name for layer in model.generator.layers]
    assert "sle4_32_scale" in names and "sle8_64_scale" in names
    assert model.generator.output.shape[1:] == (64, 64, 3)


def test_a_conditional_fastgan_samples_a_class_by_name_and_saves(tmp_path):
    model, history = _trained({"conditional": True}, classes=3,
                              class_names=("cat", "dog", "owl"))
    assert np.isfinite(history["d_loss"]).all()
    z = tf.random.stateless_normal((2, 8), seed=(0, 1))
    cats, owls = (model.generate(z, tf.constant([k, k])).numpy() for k in (0, 2))
    assert np.abs(cats - owls).max() > 0
    owl = model.sample(2, labels=["owl", "owl"], seed=0)
    path = tmp_path / "fastgan.keras"
    model.save(path)
    reloaded = keras.saving.load_model(path, safe_mode=True)
    np.testing.assert_allclose(reloaded.sample(2, labels=["owl", "owl"], seed=0), owl, atol=1e-6)


@pytest.mark.parametrize("overrides, message", [
    ({"data.image_size": 28}, "at least 32"),
    ({"data.image_size": 48}, "not 4 x a power of 2"),
    ({"widths": [8, 8]}, "model.widths has 2 values"),
    ({"decoder_widths": [4]}, "model.decoder_widths"),
    ({"reconstruction_weight": -1.0}, "model.reconstruction_weight"),
    ({"self_conditioning": 4}, "model.self_conditioning"),
])
def test_fastgan_settings_that_cannot_work_are_refused_naming_the_key(overrides, message):
    with pytest.raises(config.ConfigError, match=message):
        ganzoo.build("fastgan_twemoji", **overrides)


def test_the_growing_ema_half_life_is_capped_by_the_images_seen_then_fixed():
    decay = lambda step: float(ema.growing_decay(step, 32, 10_000, 0.05))  # noqa: E731
    # after 100 steps (3,200 images) the half-life is 160 images: 5 steps of 32
    assert decay(100) == pytest.approx(0.5 ** (32 / 160))
    # after 100,000 steps the cap (10,000 images) holds
    assert decay(100_000) == pytest.approx(0.5 ** (32 / 10_000))
    assert decay(100) < decay(1000) < decay(100_000)


def test_an_ema_half_life_without_an_ema_is_a_config_error():
    with pytest.raises(config.ConfigError, match="model.ema_half_life_images"):
        ganzoo.build("dcgan_twemoji", ema_decay=0.0, ema_half_life_images=1000)


def test_schedules_run_over_the_horizon_in_images_not_the_run():
    from ganzoo.models.two_player import make_optimizer

    train = config.load_entry("r3gan_twemoji", {"train.schedule_images": 20_000_000}).train
    assert train.schedule_steps == 20_000_000 // train.batch_size
    optimizer = make_optimizer(train, 2e-4)
    optimizer.iterations.assign(train.steps)  # the run's end: the rate has hardly moved
    assert float(optimizer.learning_rate) > 0.999 * 2e-4
    squeezed = make_optimizer(config.load_entry("r3gan_twemoji").train, 2e-4)
    squeezed.iterations.assign(train.steps)
    assert float(squeezed.learning_rate) == pytest.approx(5e-5)


def test_ada_signal_can_read_the_real_logits_alone_under_the_relativistic_loss():
    real, fake = tf.constant([[1.0], [1.0], [-1.0], [1.0]]), tf.constant([[2.0]] * 4)
    assert float(adaptive_augment.overfitting_signal(real, fake, margin=False)) == 0.5
    assert float(adaptive_augment.overfitting_signal(real, fake, margin=True)) == -1.0
    real_read = ganzoo.build("r3gan_twemoji", augment_signal="real", **{
        "latent_dim": 8, "widths": [8], "cardinality": [2], "expansion": 1})
    assert real_read._margin_signal is False
    assert ganzoo.build("r3gan_twemoji", latent_dim=8, widths=[8], cardinality=[2],
                        expansion=1)._margin_signal is True


@pytest.mark.parametrize("fill", ["reflect", "border"])
def test_translation_fills_from_the_image_instead_of_zeros(fill):
    white = tf.ones((16, 8, 8, 3))
    seed = tf.constant([1, 2], tf.int64)
    zeros = diffaugment.diff_augment(white, ("translation",), seed)
    assert float(tf.reduce_min(zeros)) == 0.0  # some image was shifted: zeros came in
    filled = diffaugment.diff_augment(white, ("translation",), seed, fill=fill)
    np.testing.assert_array_equal(filled.numpy(), white.numpy())
    ramp = tf.reshape(tf.range(8, dtype=tf.float32), (1, 1, 8, 1)) * tf.ones((16, 8, 1, 3))
    moved = diffaugment.diff_augment(ramp, ("translation",), seed, fill=fill).numpy()
    assert set(np.unique(moved)) <= set(range(8))
    if fill == "reflect":  # a shifted row reflects: some value appears twice in it
        assert any(len(set(row)) < 8 for row in moved[:, 0, :, 0])


def test_unknown_fill_is_a_config_error():
    with pytest.raises(config.ConfigError, match="model.augment_fill"):
        ganzoo.build("dcgan_twemoji", augment_fill="wrap")


def test_the_generator_step_reads_a_fresh_real_batch_when_asked():
    data = synthetic_data((32, 32, 3), None)
    plain = FastGAN(TINY, (32, 32, 3))
    fresh = FastGAN({**TINY, "fresh_generator_batch": True}, (32, 32, 3))
    shapes = [next(iter(m.input_pipeline(data, global_batch_size=4, seed=0)))["images"].shape
              for m in (plain, fresh)]
    assert shapes[0][1] == 1 and shapes[1][1] == 2  # one more real batch per step
    fresh.compile()
    history = fresh.fit(fresh.input_pipeline(data, global_batch_size=4, seed=0), epochs=1,
                        steps_per_epoch=1, verbose=0).history
    assert np.isfinite(history["g_loss"]).all()
