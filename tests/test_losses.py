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
