"""The original GAN: fully connected generator and discriminator.

Goodfellow et al. 2014, "Generative Adversarial Nets". `model.loss` picks the
generator's objective: "minimax" is equation 1 as written (its gradient
vanishes while D rejects fakes easily), "non_saturating" is the fix the paper
recommends. `model.d_steps` is the paper's k. `output_activation = "linear"`
lets the generator reach data outside [-1, 1], such as the 2D mixtures.
"""

from dataclasses import dataclass
from typing import Literal

import keras

from ganzoo.models.base import AdversarialModel
from ganzoo.models.hyperparameters import AdversarialHyperparameters
from ganzoo.nn import bodies
from ganzoo.nn.bodies import check_maxout
from ganzoo.registry import register_family


@dataclass(frozen=True)
class GANHyperparameters(AdversarialHyperparameters):
    generator_units: tuple[int, ...] = (256, 512, 1024)
    discriminator_units: tuple[int, ...] = (1024, 512, 256)
    discriminator_dropout: float = 0.3
    discriminator_maxout: int = 0  # > 1: maxout units of that many pieces instead of LeakyReLU
    generator_norm: Literal["none", "batch"] = "none"  # "batch": batch norm + ReLU layers
    output_activation: Literal["tanh", "linear"] = "tanh"

    def __post_init__(self):
        super().__post_init__()
        check_maxout(self.discriminator_maxout)


@register_family("gan")
class GAN(AdversarialModel):
    Hyperparameters = GANHyperparameters
    reference_entry = "gan_mnist"
    test_sizes = {"latent_dim": 8, "generator_units": [16, 16], "discriminator_units": [16, 16]}
    replica_settings = {"discriminator_dropout": 0.0}  # dropout masks follow the batch split

    def build_generator(self, name="generator"):
        z = keras.Input((self.hparams.latent_dim,), name="z")
        return bodies.mlp_generator(z, self.latent_input(z), self.image_shape,
                                    self.hparams.generator_units,
                                    output_activation=self.hparams.output_activation,
                                    norm=self.hparams.generator_norm, name=name)

    def build_discriminator(self, name="discriminator"):
        images = keras.Input(self.discriminator_input_shape, name="images")
        return bodies.mlp_discriminator(images, images, self.hparams.discriminator_units,
                                        dropout=self.hparams.discriminator_dropout,
                                        maxout=self.hparams.discriminator_maxout,
                                        outputs=self.discriminator_outputs, name=name)
