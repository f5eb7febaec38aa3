"""A base for families whose objective is the point, not the architecture.

WGAN, WGAN-GP and SN-GAN are training objectives that apply to any body: the
same family trains an MLP on 2D points or a convolutional net on digits.
`model.body` picks which; the family sets how its discriminator is
normalized.
"""

from dataclasses import dataclass
from typing import Literal

import keras

from ganzoo.models.base import AdversarialModel
from ganzoo.models.hyperparameters import AdversarialHyperparameters
from ganzoo.nn import bodies
from ganzoo.nn.bodies import check_maxout
from ganzoo.schema import ConfigError


@dataclass(frozen=True)
class SelectableHyperparameters(AdversarialHyperparameters):
    body: Literal["conv", "mlp"] = "conv"
    generator_filters: int = 64  # conv body
    discriminator_filters: int = 64
    kernel_size: int = 4
    generator_units: tuple[int, ...] = (512, 512, 512)  # mlp body
    discriminator_units: tuple[int, ...] = (512, 512, 512)
    discriminator_maxout: int = 0  # mlp body: > 1 = maxout units of that many pieces
    generator_norm: Literal["none", "batch"] = "none"  # mlp body: "batch" = batch norm + ReLU
    output_activation: Literal["tanh", "linear"] = "tanh"

    def __post_init__(self):
        super().__post_init__()
        check_maxout(self.discriminator_maxout)


class SelectableBodyModel(AdversarialModel):
    Hyperparameters = SelectableHyperparameters
    discriminator_norm = "none"

    def build_generator(self, name="generator"):
        h = self.hparams
        z = keras.Input((h.latent_dim,), name="z")
        if h.body == "mlp":
            return bodies.mlp_generator(z, self.latent_input(z), self.image_shape,
                                        h.generator_units,
                                        output_activation=h.output_activation,
                                        norm=h.generator_norm, name=name)
        if len(self.image_shape) != 3:
            raise ConfigError(f"model.body 'conv' needs image data, not shape {self.image_shape}")
        return bodies.conv_generator(z, self.latent_input(z), self.image_shape, h.generator_filters,
                                     kernel_size=h.kernel_size, name=name)

    def build_discriminator(self, name="discriminator"):
        h = self.hparams
        inputs = keras.Input(self.discriminator_input_shape, name="images")
        if h.body == "mlp":
            return bodies.mlp_discriminator(inputs, inputs, h.discriminator_units,
                                            norm=self.discriminator_norm,
                                            maxout=h.discriminator_maxout,
                                            outputs=self.discriminator_outputs, name=name)
        return bodies.conv_discriminator(inputs, inputs, self.image_shape[0],
                                         h.discriminator_filters, kernel_size=h.kernel_size,
                                         norm=self.discriminator_norm,
                                         outputs=self.discriminator_outputs, name=name)
