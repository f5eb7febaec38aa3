"""WGAN: a critic kept Lipschitz by weight clipping (Arjovsky et al. 2017).

The critic estimates the Wasserstein-1 distance; after every critic update
each of its weights is clipped to [-c, c] (c = 0.01). The paper trains
n_critic = 5 critic steps per generator step with RMSprop at 5e-5
(Algorithm 1); the zoo configs set those.
"""

from dataclasses import dataclass

import tensorflow as tf

from ganzoo.models.cross_replica import update_variables
from ganzoo.models.hyperparameters import Objective
from ganzoo.models.selectable import SelectableBodyModel, SelectableHyperparameters
from ganzoo.registry import register_family
from ganzoo.schema import ConfigError


@dataclass(frozen=True)
class WGANHyperparameters(SelectableHyperparameters):
    loss: Objective = "wasserstein"
    d_steps: int = 5
    clip_value: float = 0.01

    def __post_init__(self):
        super().__post_init__()
        if self.clip_value <= 0:
            raise ConfigError(f"model.clip_value must be positive, got {self.clip_value}")


@register_family("wgan")
class WGAN(SelectableBodyModel):
    Hyperparameters = WGANHyperparameters
    reference_entry = "wgan_mnist"
    test_sizes = {"latent_dim": 8, "generator_filters": 4, "discriminator_filters": 4,
                  "generator_units": [16, 16], "discriminator_units": [16, 16]}
    # Clipping runs in cross-replica context. Without the entry's self-conditioning: a
    # self-conditioned Wasserstein critic with 3 or more critic steps is not repeatable even on
    # one device. Repeated one-step runs of the tiny entry, with the same graph and the same
    # batches, ended with different critics now and then (2026-12-06); without the clusters, or
    # with the non-saturating loss, they did not. The cause is inside
    # TensorFlow's executor and was not traced further. Self-conditioning under replicas has its
    # own case, on gan_mnist (non-saturating loss).
    replica_settings = {"self_conditioning": 0}
    discriminator_norm = "batch"  # the paper's critic is a DCGAN discriminator

    def after_discriminator_update(self):
        c = self.hparams.clip_value
        update_variables([
            (v, lambda var: var.assign(tf.clip_by_value(var, -c, c)), ())
            for v in self.discriminator.trainable_variables
        ])
