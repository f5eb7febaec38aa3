"""WGAN: a critic kept Lipschitz by weight clipping (Arjovsky et al. 2017).

The critic estimates the Wasserstein-1 distance; after every critic update
each of its weights is clipped to [-c, c] (c = 0.01). The paper trains
n_critic = 5 critic steps per generator step with RMSprop at 5e-5
(Algorithm 1); the zoo configs set those.
"""

from dataclasses import dataclass

import tensorflow as tf

from ganzoo.config import ConfigError
from ganzoo.models.base import Objective, update_variables
from ganzoo.models.selectable import SelectableBodyModel, SelectableHyperparameters
from ganzoo.registry import register_family


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
    discriminator_norm = "batch"  # the paper's critic is a DCGAN discriminator

    def after_discriminator_update(self):
        c = self.hparams.clip_value
        update_variables([
            (v, lambda var: var.assign(tf.clip_by_value(var, -c, c)), ())
            for v in self.discriminator.trainable_variables
        ])
