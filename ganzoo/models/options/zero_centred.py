"""R1 and R2 (Mescheder et al. 2018): zero-centred gradient penalties on the discriminator,
gamma / 2 * E||grad D(x)||^2 at the real batch (R1, `model.r1_gamma`) and at the generated
batch (R2, `model.r2_gamma`), added to its loss at every step (0 disables each).

R3GAN (Huang et al. 2024) uses both with one gamma that falls along a cosine
(`model.gamma_final_share`, `model.gamma_decay_steps`).
"""

import keras
import tensorflow as tf
from absl import logging

from ganzoo import schedules


def gamma_share(g_optimizer, final_share: float, decay_steps: int):
    """The share of gamma in force at the generator optimizer's step: 1 falling along a cosine to
    `final_share` at `decay_steps`, then held (R3GAN's `cosine_decay_with_warmup` without the
    warm-up). A function of the optimizer's step count, so a resumed run continues it."""
    if final_share == 1.0:
        return 1.0
    return schedules.cosine(g_optimizer.iterations, decay_steps, 1.0, final_share)


def warn_if_batch_norm_splits_it(discriminator) -> None:
    """R1 under N replicas with batch norm in the discriminator is close to, not equal to,
    one device: each sample's logit depends on the others' through the batch statistics, and
    each replica's gradient sees only its own share of those paths (pinned by
    tests/test_distributed.py). Say so where it happens."""
    replicas = tf.distribute.get_strategy().num_replicas_in_sync
    if replicas > 1 and any(isinstance(layer, keras.layers.BatchNormalization)
                            for layer in discriminator.layers):
        logging.warning("R1/R2 (model.r1_gamma, r2_gamma) with batch norm in the discriminator: "
                        "%d replicas train close to, not exactly like, one device "
                        "(docs/families.md, R1).", replicas)
