"""Losses against the formulas of Goodfellow et al. 2014, computed by hand in numpy."""

import numpy as np
import pytest

from ganzoo import losses

REAL = np.array([2.0, -1.0, 0.5, 3.0], np.float32)
FAKE = np.array([-2.0, 0.3, 1.5, -0.7], np.float32)


def sigmoid(x):
    return 1.0 / (1.0 + np.exp(-x.astype(np.float64)))


def test_minimax_discriminator_loss_is_binary_cross_entropy():
    expected = -np.mean(np.log(sigmoid(REAL))) - np.mean(np.log(1.0 - sigmoid(FAKE)))
    assert float(losses.minimax_discriminator_loss(REAL, FAKE)) == pytest.approx(expected, rel=1e-5)


def test_label_smoothing_is_one_sided():
    s = 0.25
    p = sigmoid(REAL)
    real_term = -np.mean((1 - s) * np.log(p) + s * np.log(1 - p))
    expected = real_term - np.mean(np.log(1.0 - sigmoid(FAKE)))
    got = losses.minimax_discriminator_loss(REAL, FAKE, label_smoothing=s)
    assert float(got) == pytest.approx(expected, rel=1e-5)


def test_minimax_generator_loss_is_log_one_minus_d():
    expected = np.mean(np.log(1.0 - sigmoid(FAKE)))
    assert float(losses.minimax_generator_loss(FAKE)) == pytest.approx(expected, rel=1e-5)


def test_non_saturating_generator_loss_is_minus_log_d():
    expected = -np.mean(np.log(sigmoid(FAKE)))
    assert float(losses.modified_generator_loss(FAKE)) == pytest.approx(expected, rel=1e-5)


def test_minimax_generator_gradient_vanishes_where_non_saturating_does_not():
    """The reason the non-saturating loss exists: D rejects fakes confidently early on."""
    import tensorflow as tf

    confident_reject = tf.constant([-8.0, -9.0, -10.0])
    grads = {}
    for name in ("minimax", "non_saturating"):
        fn = losses.OBJECTIVES[name].generator
        with tf.GradientTape() as tape:
            tape.watch(confident_reject)
            loss = fn(confident_reject)
        grads[name] = float(tf.norm(tape.gradient(loss, confident_reject)))
    assert grads["minimax"] < 1e-3
    assert grads["non_saturating"] > 0.5


def test_losses_are_stable_for_extreme_logits():
    big = np.array([80.0, -80.0], np.float32)
    for value in (losses.minimax_discriminator_loss(big, -big), losses.modified_generator_loss(big),
                  losses.minimax_generator_loss(big)):
        assert np.isfinite(float(value))


def test_the_objective_table_and_the_config_type_name_the_same_objectives():
    import typing

    from ganzoo.models.hyperparameters import Objective

    assert set(losses.OBJECTIVES) == set(typing.get_args(Objective))
    for objective in losses.OBJECTIVES.values():
        assert callable(objective.generator) and callable(objective.discriminator)


def test_relativistic_losses_pair_each_real_with_its_fake():
    # Huang et al. 2024, eq. 2: D loses softplus(-(D(x_i) - D(G(z_i)))), G the same swapped
    softplus = lambda x: np.log1p(np.exp(x.astype(np.float64)))  # noqa: E731
    d_loss = losses.relativistic_discriminator_loss(REAL, FAKE)
    assert float(d_loss) == pytest.approx(np.mean(softplus(-(REAL - FAKE))), rel=1e-5)
    g_loss = losses.relativistic_generator_loss(FAKE, real_logits=REAL)
    assert float(g_loss) == pytest.approx(np.mean(softplus(-(FAKE - REAL))), rel=1e-5)
    # the pairing matters: the same logits in another order give another loss
    assert float(losses.relativistic_discriminator_loss(REAL, FAKE[::-1])) != pytest.approx(
        float(d_loss))


def test_relativistic_generator_loss_needs_the_real_logits():
    assert losses.OBJECTIVES["relativistic"].pairs_real
    with pytest.raises(ValueError, match="real logits"):
        losses.relativistic_generator_loss(FAKE)


def test_r2_is_the_squared_gradient_norm_at_the_fakes():
    import tensorflow as tf

    # D(x) = sum(x^3): grad = 3 x^2, so ||grad||^2 = 9 sum(x^4) per sample
    fake = np.random.default_rng(4).normal(size=(5, 2, 2, 1)).astype(np.float32)
    expected = np.mean(9.0 * np.sum(fake.reshape(5, -1) ** 4, axis=1))
    critic = lambda x: tf.reduce_sum(x ** 3, axis=[1, 2, 3])[:, None]  # noqa: E731
    assert float(losses.r2_gradient_penalty(fake, critic)) == pytest.approx(expected, rel=1e-5)
