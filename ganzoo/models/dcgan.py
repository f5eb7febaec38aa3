"""DCGAN: the all-convolutional GAN of Radford et al. 2015.

Generator: project and reshape, then stride-2 transposed convolutions with
batch norm and ReLU, tanh at the output. Discriminator: stride-2 convolutions
with LeakyReLU(0.2), batch norm from the second layer on, one logit.
"""

from dataclasses import dataclass

import keras

from ganzoo.models.base import AdversarialModel
from ganzoo.models.hyperparameters import AdversarialHyperparameters
from ganzoo.nn import bodies
from ganzoo.registry import register_family


@dataclass(frozen=True)
class DCGANHyperparameters(AdversarialHyperparameters):
    generator_filters: int = 64  # width of the last hidden generator layer
    discriminator_filters: int = 64  # width of the first discriminator layer
    kernel_size: int = 4
    discriminator_dropout: float = 0.0


@register_family("dcgan")
class DCGAN(AdversarialModel):
    Hyperparameters = DCGANHyperparameters
    reference_entry = "dcgan_mnist"
    test_sizes = {"latent_dim": 8, "generator_filters": 4, "discriminator_filters": 4}
    # batch norm is synchronized across replicas; the entry's R1 is close to, but not exactly,
    # replica-invariant with batch norm in D (pinned in tests/test_distributed.py)
    replica_settings = {"r1_gamma": 0.0}
    discriminator_norm = "batch"

    def build_generator(self, name="generator"):
        z = keras.Input((self.hparams.latent_dim,), name="z")
        return bodies.conv_generator(z, self.latent_input(z), self.image_shape,
                                     self.hparams.generator_filters,
                                     kernel_size=self.hparams.kernel_size, name=name)

    def build_discriminator(self, name="discriminator"):
        images = keras.Input(self.discriminator_input_shape, name="images")
        return bodies.conv_discriminator(
            images, images, self.image_shape[0], self.hparams.discriminator_filters,
            kernel_size=self.hparams.kernel_size, norm=self.discriminator_norm,
            dropout=self.hparams.discriminator_dropout, outputs=self.discriminator_outputs,
            name=name,
        )
