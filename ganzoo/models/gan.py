"""The original GAN: fully connected generator and discriminator.

Goodfellow et al. 2014, "Generative Adversarial Nets". `model.loss` picks the
generator's objective: "minimax" is equation 1 as written (its gradient
vanishes while D rejects fakes easily), "non_saturating" is the fix the paper
recommends. `model.d_steps` is the paper's k.
"""

from dataclasses import dataclass

import keras
import numpy as np
from keras import layers

from ganzoo.models.base import AdversarialHyperparameters, AdversarialModel
from ganzoo.nn import blocks
from ganzoo.registry import register_family


@dataclass(frozen=True)
class GANHyperparameters(AdversarialHyperparameters):
    generator_units: tuple[int, ...] = (256, 512, 1024)
    discriminator_units: tuple[int, ...] = (1024, 512, 256)
    discriminator_dropout: float = 0.3


@register_family("gan")
class GAN(AdversarialModel):
    Hyperparameters = GANHyperparameters

    def build_generator(self, name="generator"):
        z = keras.Input((self.hparams.latent_dim,), name="z")
        x = blocks.mlp(z, self.hparams.generator_units, activation=blocks.leaky_relu, prefix="g")
        x = layers.Dense(int(np.prod(self.image_shape)), activation="tanh", name="pixels")(x)
        images = layers.Reshape(self.image_shape, name="images")(x)
        return keras.Model(z, images, name=name)

    def build_discriminator(self, name="discriminator"):
        images = keras.Input(self.image_shape, name="images")
        x = layers.Flatten(name="flatten")(images)
        x = blocks.mlp(x, self.hparams.discriminator_units, activation=blocks.leaky_relu,
                       dropout=self.hparams.discriminator_dropout, prefix="d")
        return keras.Model(images, blocks.logit(x), name=name)
