"""Complete generator and discriminator networks, assembled from `blocks`.

Families pick a body ("mlp" or "conv") and a discriminator normalization;
the objective (loss, penalty, clipping) is the family's own business. Layer
names and order are part of every shipped `.keras` file: change them only
together with retraining the zoo (tests/test_shipped_models.py notices).
"""

import keras
import numpy as np
from keras import layers

from ganzoo.nn import blocks
from ganzoo.schema import ConfigError


def mlp_generator(inputs, z, data_shape, units, *, output_activation="tanh", norm="none",
                  name="generator"):
    """LeakyReLU layers; with `norm="batch"`, batch norm + ReLU layers (PacGAN's 2D generator)."""
    activation = layers.ReLU if norm == "batch" else blocks.leaky_relu
    x = blocks.mlp(z, units, activation=activation, norm=norm, prefix="g")
    x = layers.Dense(int(np.prod(data_shape)), activation=output_activation, name="pixels")(x)
    return keras.Model(inputs, layers.Reshape(data_shape, name="images")(x), name=name)


def mlp_discriminator(inputs, x, units, *, dropout=0.0, norm="none", maxout=0, outputs=1,
                      prefix="d", name="discriminator"):
    x = layers.Flatten(name="flatten")(x)
    x = blocks.mlp(x, units, activation=blocks.leaky_relu, dropout=dropout, prefix=prefix,
                   spectral=norm == "spectral", maxout=maxout)
    return keras.Model(inputs, blocks.logit(x, spectral=norm == "spectral", units=outputs),
                       name=name)


def check_maxout(pieces: int) -> None:
    """Maxout needs at least two pieces; 0 switches it off."""

    if pieces == 1 or pieces < 0:
        raise ConfigError(f"model.discriminator_maxout must be 0 (off) or >= 2, got {pieces}")


def conv_generator(inputs, z, image_shape, filters, *, kernel_size=4, name="generator"):
    images = blocks.upsampling_decoder(z, image_shape, filters, kernel_size=kernel_size)
    return keras.Model(inputs, images, name=name)


def conv_discriminator(inputs, x, image_size, filters, *, kernel_size=4, norm="batch",
                       dropout=0.0, outputs=1, name="discriminator"):
    logits = blocks.downsampling_encoder(
        x, filters, stages=blocks.num_upsamplings(image_size), kernel_size=kernel_size, norm=norm,
        dropout=dropout, outputs=outputs,
    )
    return keras.Model(inputs, logits, name=name)


def code_predictor(data_shape, categories, *, filters=64, units=(200, 200), name="code_predictor"):
    """InfoGAN's Q: logits over the categorical code a generated sample was drawn with.

    A separate network rather than a head on the discriminator, so it serves every
    family (clipped, spectrally normalized or progressive critics included) without
    touching their Lipschitz constraints. Images get the DCGAN discriminator without
    normalization; other data the MLP discriminator ("q_" layers), each with K logits.
    """
    inputs = keras.Input(data_shape, name="samples")
    if len(data_shape) == 3:
        return conv_discriminator(inputs, inputs, data_shape[0], filters, norm="none",
                                  outputs=categories, name=name)
    return mlp_discriminator(inputs, inputs, units, outputs=categories, prefix="q", name=name)
