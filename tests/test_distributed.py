"""N replicas train exactly like one: MirroredStrategy on two logical CPUs vs one device.

Keras sums gradients across replicas; our hand-written losses are per-replica
means, so the base model must divide by the replica count. Drop that division
and these tests fail (the 2-replica run takes twice-as-large steps).
"""

import keras
import numpy as np
import pytest
import tensorflow as tf

from ganzoo import config, zoo
from ganzoo.datasets.pipeline import adversarial_batches
from tests.conftest import synthetic_data, tiny_overrides

CASES = {
    "gan_mnist": {"model.discriminator_dropout": 0.0},  # dropout masks differ per replica
    "dcgan_mnist": {},  # batch norm: synchronized across replicas
    "cgan_mnist": {},
}


def train(strategy, cfg, steps=3):
    # SGD, not Adam: Adam's update is invariant to the gradient's scale, so it
    # would hide a missing 1/N; it also turns float noise in near-zero
    # gradients into full +-lr steps on its first update.
    keras.utils.set_random_seed(1)
    with strategy.scope():
        model = zoo.build_from_config(cfg)
        model.compile(
            d_optimizer=keras.optimizers.SGD(0.05),
            g_optimizer=keras.optimizers.SGD(0.05),
            jit_compile=False,
        )
    data = synthetic_data(model.image_shape, model.num_classes or 10, count=64)
    batches = adversarial_batches(data, global_batch_size=8, d_steps=cfg.model.d_steps,
                                  latent_dim=cfg.model.latent_dim, seed=0)
    model.fit(batches, epochs=1, steps_per_epoch=steps, verbose=0)
    return model


@pytest.mark.parametrize("name", sorted(CASES))
def test_two_replicas_match_one(name):
    cfg = config.load_entry(name, {**tiny_overrides(config.load_entry(name).family),
                                   **CASES[name]})
    cpus = [d.name for d in tf.config.list_logical_devices("CPU")]
    assert len(cpus) >= 2, "conftest must create two logical CPU devices"
    # ReductionToOneDevice: with the default (collective) ops, two logical CPU
    # devices can pair up a batch-norm all-reduce of one replica with a
    # gradient all-reduce of the other ("Shape mismatch in the collective").
    mirrored = tf.distribute.MirroredStrategy(
        cpus[:2], cross_device_ops=tf.distribute.ReductionToOneDevice()
    )
    assert mirrored.num_replicas_in_sync == 2
    one = train(tf.distribute.get_strategy(), cfg)
    two = train(mirrored, cfg)
    for network in ("generator", "discriminator", "ema_generator"):
        a = getattr(one, network).get_weights()
        b = getattr(two, network).get_weights()
        moved = max(float(np.max(np.abs(x - y))) for x, y in zip(a, b))
        assert moved < 1e-4, f"{network} differs by {moved}"
    # and training did move the weights, so equality is not trivial
    keras.utils.set_random_seed(1)
    fresh = zoo.build_from_config(cfg)
    assert any(not np.allclose(x, y) for x, y in
               zip(fresh.generator.get_weights(), one.generator.get_weights()))
