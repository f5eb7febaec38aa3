"""The blocks of FastGAN (Liu, Zhu, Song, Elgammal, ICLR 2021; odegeasslbc/FastGAN-pytorch),
written for Keras from the paper and lucidrains/lightweight-gan's reading of it.

Why these blocks start fast on small data:
- GLU (a gated linear unit: half the channels gate the other half through a sigmoid) in
  place of ReLU: the gate learns early which features to pass at all.
- Skip-layer excitation: the 4x4 / 8x8 features rescale the channels of the 32x32 / 64x64
  ones through a small squeeze network, so the coarse layout reaches the fine layers in one
  step instead of through every block between them.
- A discriminator whose down blocks average a strided path and a pooled 1x1 path, and
  whose 8x8 and 16x16 features must rebuild the image (`simple_decoder`): it must keep
  describing the image rather than only the quirks that tell real from fake.
"""

import keras
from keras import layers

from ganzoo.nn.blocks import batch_norm, leaky_relu


@keras.saving.register_keras_serializable(package="ganzoo")
class GLU(layers.Layer):
    """x[..., :c] * sigmoid(x[..., c:]) for 2c channels."""

    def call(self, x):
        value, gate = keras.ops.split(x, 2, axis=-1)
        return value * keras.ops.sigmoid(gate)


@keras.saving.register_keras_serializable(package="ganzoo")
class NearestUpsample(layers.Layer):
    """x2 nearest-neighbour upsampling as a broadcast and a reshape: static shapes all the
    way, which the LiteRT converter needs (UpSampling2D's resize and `repeat` left the height
    unknown, and the next convolution unconvertible). Needs a known height and width."""

    def build(self, input_shape):
        self.input_size = tuple(input_shape[1:])  # known when the functional model is built

    def call(self, x):
        height, width, channels = self.input_size
        copies = x[:, :, None, :, None, :] * keras.ops.ones((1, 1, 2, 1, 2, 1), x.dtype)
        return keras.ops.reshape(copies, (-1, 2 * height, 2 * width, channels))

    def compute_output_shape(self, input_shape):
        batch, height, width, channels = input_shape
        return (batch, None if height is None else 2 * height,
                None if width is None else 2 * width, channels)


def conv(x, filters, kernel_size, *, strides=1, padding="same", use_bias=False, name):
    return layers.Conv2D(filters, kernel_size, strides=strides, padding=padding,
                         use_bias=use_bias, kernel_initializer="orthogonal", name=name)(x)


def _glu_conv(x, filters, *, name):
    """3x3 convolution to 2 x filters, batch norm, GLU -> filters."""
    x = conv(x, 2 * filters, 3, name=f"{name}_conv")
    x = batch_norm(f"{name}_bn")(x)
    return GLU(name=f"{name}_glu")(x)


def up_block(x, filters, *, compound: bool, name):
    """Nearest-neighbour x2, then one GLU convolution (two for a compound block, FastGAN's
    UpBlockComp, which it alternates with the plain one)."""
    x = NearestUpsample(name=f"{name}_up")(x)
    x = _glu_conv(x, filters, name=f"{name}_a")
    if compound:
        x = _glu_conv(x, filters, name=f"{name}_b")
    return x


def initial_block(code, filters, *, name):
    """z (B, d) -> 4x4 features: a 4x4 transposed convolution from a 1x1 map, batch norm,
    GLU."""
    x = layers.Reshape((1, 1, code.shape[-1]), name=f"{name}_1x1")(code)
    x = layers.Conv2DTranspose(2 * filters, 4, use_bias=False, kernel_initializer="orthogonal",
                               name=f"{name}_deconv")(x)
    x = batch_norm(f"{name}_bn")(x)
    return GLU(name=f"{name}_glu")(x)


def skip_excitation(low, high, *, name):
    """Skip-layer excitation: `high`'s channels scaled by a gate computed from `low` (pooled
    to 4x4, a 4x4 valid convolution to 1x1, swish, 1x1, sigmoid)."""
    size = low.shape[1]
    if size > 4:
        low = layers.AveragePooling2D(size // 4, name=f"{name}_pool")(low)
    gate = conv(low, high.shape[-1], 4, padding="valid", name=f"{name}_squeeze")
    gate = layers.Activation("swish", name=f"{name}_swish")(gate)
    gate = conv(gate, high.shape[-1], 1, name=f"{name}_excite")
    gate = layers.Activation("sigmoid", name=f"{name}_gate")(gate)
    return layers.Multiply(name=f"{name}_scale")([high, gate])


def down_block(x, filters, *, name):
    """FastGAN's DownBlockComp: the mean of a strided path (4x4 stride 2, 3x3) and a direct
    one (2x2 average pool, 1x1), each with batch norm and LeakyReLU(0.2)."""
    main = conv(x, filters, 4, strides=2, name=f"{name}_main_a")
    main = leaky_relu(f"{name}_main_a_act")(batch_norm(f"{name}_main_a_bn")(main))
    main = conv(main, filters, 3, name=f"{name}_main_b")
    main = leaky_relu(f"{name}_main_b_act")(batch_norm(f"{name}_main_b_bn")(main))
    direct = layers.AveragePooling2D(2, name=f"{name}_pool")(x)
    direct = conv(direct, filters, 1, name=f"{name}_direct")
    direct = leaky_relu(f"{name}_direct_act")(batch_norm(f"{name}_direct_bn")(direct))
    return layers.Average(name=f"{name}_mean")([main, direct])


def simple_decoder(features, channels: int, widths, *, name):
    """FastGAN's SimpleDecoder: x2 GLU up blocks of `widths`, then a 3x3 convolution to the
    image's channels and tanh. From 8x8 features and two widths it draws a 32x32 image."""
    x = features
    for i, width in enumerate(widths):
        x = up_block(x, width, compound=False, name=f"{name}_up{i}")
    x = layers.Conv2D(channels, 3, padding="same", name=f"{name}_to_image")(x)
    return layers.Activation("tanh", dtype="float32", name=f"{name}_tanh")(x)
