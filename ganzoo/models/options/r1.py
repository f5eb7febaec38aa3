"""R1 (Mescheder et al. 2018): gamma / 2 * E||grad D(x_real)||^2 added to the discriminator's
loss (`model.r1_gamma`, 0 disables)."""

import keras
import tensorflow as tf
from absl import logging

from ganzoo import losses


def weighted_penalty(real, discriminate, gamma: float):
    """(gamma / 2 * R1, R1) at the real batch; `discriminate(x)` gives D's logits."""
    penalty = losses.r1_gradient_penalty(real, discriminate)
    return 0.5 * gamma * penalty, penalty


def warn_if_batch_norm_splits_it(discriminator) -> None:
    """R1 under N replicas with batch norm in the discriminator is close to, not equal to,
    one device: each sample's logit depends on the others' through the batch statistics, and
    each replica's gradient sees only its own share of those paths (pinned by
    tests/test_distributed.py). Say so where it happens."""
    replicas = tf.distribute.get_strategy().num_replicas_in_sync
    if replicas > 1 and any(isinstance(layer, keras.layers.BatchNormalization)
                            for layer in discriminator.layers):
        logging.warning("R1 (model.r1_gamma) with batch norm in the discriminator: %d replicas "
                        "train close to, not exactly like, one device (docs/families.md, R1).",
                        replicas)
