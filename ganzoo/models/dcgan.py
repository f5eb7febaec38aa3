"""DCGAN: the all-convolutional GAN of Radford et al. 2015.

Generator: project and reshape, then stride-2 transposed convolutions with
batch norm and ReLU, tanh at the output. Discriminator: stride-2 convolutions
with LeakyReLU(0.2), batch norm from the second layer on, one logit.
"""

from dataclasses import dataclass

import keras

from ganzoo.models.base import AdversarialHyperparameters, AdversarialModel
from ganzoo.nn import blocks
from ganzoo.registry import register_family


@dataclass(frozen=True)
class DCGANHyperparameters(AdversarialHyperparameters):
    generator_filters: int = 64  # width of the last hidden generator layer
    discriminator_filters: int = 64  # width of the first discriminator layer
    kernel_size: int = 4


@register_family("dcgan")
class DCGAN(AdversarialModel):
    Hyperparameters = DCGANHyperparameters

    def build_generator(self, name="generator"):
        z = keras.Input((self.hparams.latent_dim,), name="z")
        images = blocks.upsampling_decoder(
            z, self.image_shape, self.hparams.generator_filters,
            kernel_size=self.hparams.kernel_size,
        )
        return keras.Model(z, images, name=name)

    def build_discriminator(self, name="discriminator"):
        images = keras.Input(self.image_shape, name="images")
        logits = blocks.downsampling_encoder(
            images, self.hparams.discriminator_filters,
            stages=blocks.num_upsamplings(self.image_shape[0]),
            kernel_size=self.hparams.kernel_size,
        )
        return keras.Model(images, logits, name=name)
