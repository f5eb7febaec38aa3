"""WGAN-GP: the Wasserstein critic with a gradient penalty (Gulrajani et al. 2017).

The penalty lambda * E[(||grad D(x_hat)|| - 1)^2] is taken at x_hat drawn
uniformly on lines between real and generated samples (alpha ~ U[0, 1], one
per sample). The paper's critic has no batch norm (it would couple the
per-sample gradients); we use layer norm for the conv body, as the paper
suggests, and none for the MLP. Defaults: lambda = 10, n_critic = 5; the zoo
configs use Adam(1e-4, beta_1 = 0, beta_2 = 0.9).
"""

from dataclasses import dataclass

import tensorflow as tf

from ganzoo import losses
from ganzoo.models.base import Objective
from ganzoo.models.selectable import SelectableBodyModel, SelectableHyperparameters
from ganzoo.registry import register_family


@dataclass(frozen=True)
class WGANGPHyperparameters(SelectableHyperparameters):
    loss: Objective = "wasserstein"
    d_steps: int = 5
    gp_weight: float = 10.0


@register_family("wgangp")
class WGANGP(SelectableBodyModel):
    Hyperparameters = WGANGPHyperparameters

    @property
    def discriminator_norm(self):
        return "layer" if self.hparams.body == "conv" else "none"

    def discriminator_penalty(self, real, fake, labels, real_logits):
        return self.hparams.gp_weight * gradient_penalty(self, real, fake, labels)


def gradient_penalty(model, real, fake, labels):
    """The WGAN-GP penalty of `model`'s critic at uniform interpolates of real and fake.

    The interpolation weights are stateless, keyed on both optimizers' step
    counters, so a run resumed from a checkpoint draws exactly what the
    uninterrupted run would have drawn (a stateful draw restarts its sequence).
    """
    alpha_shape = tf.concat([tf.shape(real)[:1], tf.ones_like(tf.shape(real)[1:])], axis=0)
    key = tf.stack([tf.convert_to_tensor(model.g_optimizer.iterations),
                    tf.convert_to_tensor(model.d_optimizer.iterations)])
    alpha = tf.random.stateless_uniform(alpha_shape, seed=tf.cast(key, tf.int64))
    return losses.wasserstein_gradient_penalty(
        real, fake, lambda x: model.score(model.pack(x), labels, training=True), alpha)
