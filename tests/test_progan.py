"""ProGAN: the growth schedule, fade-in equivalences, inactive levels, and a resumed run."""

import numpy as np
import pytest
import tensorflow as tf

from ganzoo import config, zoo
from ganzoo.models.progan import blend_weights, critic_weights, level_and_alpha
from ganzoo.training import runner
from tests.conftest import tiny_overrides

LEVELS = 3  # 4x4 -> 8x8 -> 16x16


def tiny_progan(**overrides):
    cfg = config.load_entry("progan_mnist", {
        **tiny_overrides("progan", LEVELS), "data.padding": 0, "data.image_size": 16,
        "model.phase_steps": 2, **overrides})
    return cfg, zoo.build_from_config(cfg)


@pytest.mark.parametrize("step, level, alpha", [
    (0, 0, 1.0), (9, 0, 1.0),  # 4x4
    (10, 1, 0.0), (15, 1, 0.5), (19, 1, 0.9),  # fading in 8x8
    (20, 1, 1.0), (29, 1, 1.0),  # stabilizing 8x8
    (30, 2, 0.0), (35, 2, 0.5),  # fading in 16x16
    (40, 2, 1.0), (1000, 2, 1.0),  # last level: stays there
])
def test_schedule(step, level, alpha):
    got_level, got_alpha = level_and_alpha(step, LEVELS, phase_steps=10)
    assert (float(got_level), float(got_alpha)) == pytest.approx((level, alpha))


def test_weights_blend_two_levels_during_fade_in():
    np.testing.assert_allclose(blend_weights(0.0, 1.0, 3), [1, 0, 0])
    np.testing.assert_allclose(blend_weights(2.0, 0.25, 3), [0, 0.75, 0.25])
    entry, gate = critic_weights(2.0, 0.25, 3)
    np.testing.assert_allclose(entry, [0, 0.75, 1])
    np.testing.assert_allclose(gate, [1, 1, 0.25])


@pytest.mark.parametrize("level", [1, 2])
def test_alpha_zero_equals_the_lower_resolution_path_upsampled(level):
    _, model = tiny_progan()
    z = tf.random.stateless_normal((4, model.hparams.latent_dim), seed=(1, 2))
    images = tf.random.stateless_uniform((4, 16, 16, 1), seed=(3, 4), minval=-1, maxval=1)

    model.level.assign(float(level))
    model.alpha.assign(0.0)
    fading, fading_score = model.generate(z).numpy(), model.score(images).numpy()
    model.level.assign(float(level - 1))
    model.alpha.assign(1.0)
    lower, lower_score = model.generate(z).numpy(), model.score(images).numpy()
    np.testing.assert_allclose(fading, lower, atol=1e-6)
    np.testing.assert_allclose(fading_score, lower_score, rtol=1e-5, atol=1e-6)
    # the lower level's output is a nearest-neighbour upsampling: 2^(L - level) pixel blocks
    block = 2 ** (LEVELS - level)
    np.testing.assert_array_equal(lower, np.repeat(np.repeat(lower[:, ::block, ::block], block, 1),
                                                   block, 2))
    # and with alpha = 1 the new level does change the picture
    model.level.assign(float(level))
    model.alpha.assign(1.0)
    assert np.abs(model.generate(z).numpy() - lower).max() > 1e-4


def test_inactive_levels_get_no_gradient():
    _, model = tiny_progan()
    model.level.assign(0.0)
    model.alpha.assign(1.0)
    z = tf.random.stateless_normal((4, model.hparams.latent_dim), seed=(1, 2))
    with tf.GradientTape() as tape:
        loss = tf.reduce_mean(model.score(model.generate(z)))
    variables = model.generator.trainable_variables
    grads = dict(zip([v.path for v in variables], tape.gradient(loss, variables)))
    assert any(np.abs(g).max() > 0 for p, g in grads.items() if "to_rgb0" in p)
    for path, grad in grads.items():
        if "to_rgb2" in path or "g2_conv" in path:
            assert grad is None or np.abs(grad).max() == 0, path


def test_resumed_run_continues_the_fade(tmp_path):
    """6 steps at once == 4 steps, a restart from the checkpoint (mid-fade), 2 more."""
    overrides = {"train.steps_per_epoch": 1, "train.jit_compile": False}
    cfg6, _ = tiny_progan(**{**overrides, "train.steps": 6})
    cfg4, _ = tiny_progan(**{**overrides, "train.steps": 4})
    straight = runner.run(cfg6, workdir=tmp_path / "straight", export_model=False, verbose=0)
    runner.run(cfg4, workdir=tmp_path / "resumed", export_model=False, verbose=0)
    restored = runner.run(cfg4, workdir=tmp_path / "resumed", export_model=False, verbose=0)
    # step 3 (the 4th) ran at level 1 (8x8), halfway through its fade-in; the
    # checkpoint brings that back without training a step
    assert restored.step == 4
    assert (float(restored.model.level), float(restored.model.alpha)) == (1.0, 0.5)
    resumed = runner.run(cfg6, workdir=tmp_path / "resumed", export_model=False, verbose=0)
    assert resumed.step == straight.step == 6
    assert (float(resumed.model.level), float(resumed.model.alpha)) == (1.0, 1.0)
    for a, b in zip(resumed.model.generator.get_weights(), straight.model.generator.get_weights()):
        np.testing.assert_allclose(a, b, atol=1e-5)


def test_filters_must_match_the_data_size():
    with pytest.raises(config.ConfigError, match="model.filters has 2 levels"):
        tiny_progan(**{"model.filters": [4, 4]})
