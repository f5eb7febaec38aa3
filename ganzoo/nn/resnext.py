"""The blocks of R3GAN's networks (Huang et al. 2024, "The GAN is dead; long live the GAN!"),
section 4 and brownvc/R3GAN's `R3GAN/Networks.py`, written as registered Keras layers.

- No normalisation layer anywhere. Stability comes from the initialisation instead: every
  residual block's last convolution starts at zero (Fix-up, Zhang et al. 2019), so each block
  starts as the identity, and the others draw N(0, gain / sqrt(fan_in)) with the leaky
  ReLU's gain scaled down by the number of blocks, L^(-1/4) for three layers per block.
- The residual block is ResNeXt's bottleneck turned inside out: a 1x1 expansion, a grouped 3x3
  convolution and a 1x1 projection back, with a biased leaky ReLU(0.2) after the first two.
- Resampling is a fixed low-pass filter ([1, 2, 1], as the reference's default, convolved
  with a box so that it interpolates), never a learned stride: it is what keeps the
  generator free of checkerboards without normalisation. The reference pads with zeros, which
  pulls every border pixel toward 0 (mid-grey) at every stage; `border="normalised"` divides
  each output by the sum of the taps that fell inside the image instead.
"""

import math

import keras
import numpy as np
from keras import layers, ops

LEAKY_SLOPE = 0.2
LEAKY_GAIN = math.sqrt(2.0 / (1.0 + LEAKY_SLOPE**2))  # He's gain for leaky ReLU(0.2)
LAYERS_PER_BLOCK = 3


def msr_init(fan_in: int, gain: float = 1.0):
    """N(0, gain / sqrt(fan_in)): the reference's MSRInitializer; gain 0 gives zeros."""
    if gain == 0:
        return keras.initializers.Zeros()
    return keras.initializers.RandomNormal(stddev=gain / math.sqrt(fan_in))


def block_gain(total_blocks: int) -> float:
    """The activation gain inside a residual block, scaled so that the variance of a stack of
    `total_blocks` blocks stays bounded (the reference's VarianceScalingParameter)."""
    return LEAKY_GAIN * total_blocks ** (-1.0 / (2 * LAYERS_PER_BLOCK - 2))


def pointwise(x, channels, *, gain=1.0, bias=False, name):
    """A 1x1 convolution with the reference's initialisation."""
    return layers.Conv2D(channels, 1, use_bias=bias, kernel_initializer=msr_init(x.shape[-1], gain),
                         name=name)(x)


@keras.saving.register_keras_serializable(package="ganzoo")
class GroupedConv2D(keras.layers.Layer):
    """A 3x3 convolution in `groups` groups, computed as one convolution per group on a split
    of the input and concatenated.

    One kernel of Keras' grouped layout (k, k, C_in / groups, C_out), so the weights are those
    of `Conv2D(groups=G)`. On a 2-core CPU the split is faster than TensorFlow's grouped
    kernel, forward and backward (`python -m ganzoo.bench --sections r3gan`,
    docs/speed.md), and it converts to LiteRT, which has no grouped convolution.
    """

    def __init__(self, filters, groups, kernel_size=3, gain=1.0, use_bias=True, **kwargs):
        super().__init__(**kwargs)
        self.filters, self.groups = int(filters), int(groups)
        self.kernel_size, self.gain, self.use_bias = int(kernel_size), float(gain), use_bias

    def build(self, input_shape):
        channels = int(input_shape[-1])
        if channels % self.groups or self.filters % self.groups:
            raise ValueError(f"{self.name}: {channels} input and {self.filters} output channels "
                             f"do not split into {self.groups} groups")
        fan_in = channels // self.groups * self.kernel_size**2
        self.kernel = self.add_weight(
            name="kernel", shape=(self.kernel_size, self.kernel_size, channels // self.groups,
                                  self.filters), initializer=msr_init(fan_in, self.gain))
        self.bias = (self.add_weight(name="bias", shape=(self.filters,), initializer="zeros")
                     if self.use_bias else None)

    def call(self, x):
        kernel = ops.cast(self.kernel, x.dtype)
        if self.groups == 1:
            y = ops.conv(x, kernel, padding="same")
        else:
            pieces = zip(ops.split(x, self.groups, axis=-1), ops.split(kernel, self.groups, -1))
            y = ops.concatenate([ops.conv(p, k, padding="same") for p, k in pieces], axis=-1)
        return y + ops.cast(self.bias, x.dtype) if self.bias is not None else y

    def get_config(self):
        return {**super().get_config(), "filters": self.filters, "groups": self.groups,
                "kernel_size": self.kernel_size, "gain": self.gain, "use_bias": self.use_bias}


def residual_block(x, *, cardinality, expansion, total_blocks, name):
    """x + W3 act(W2 act(W1 x)): 1x1 expansion, grouped 3x3, 1x1 projection initialised to
    zero. A bias before each activation, none at the end: the reference's BiasedActivation."""
    channels = x.shape[-1]
    expanded = channels * expansion
    gain = block_gain(total_blocks)
    y = pointwise(x, expanded, gain=gain, bias=True, name=f"{name}_expand")
    y = layers.LeakyReLU(LEAKY_SLOPE, name=f"{name}_act1")(y)
    y = GroupedConv2D(expanded, cardinality, gain=gain, name=f"{name}_grouped")(y)
    y = layers.LeakyReLU(LEAKY_SLOPE, name=f"{name}_act2")(y)
    y = pointwise(y, channels, gain=0.0, name=f"{name}_project")
    return layers.Add(name=f"{name}_add")([x, y])


def _static_shape(x, axis, sizes):
    """x's shape with the batch as -1 and the dimension at `axis` replaced by `sizes`."""
    shape = [-1, *x.shape[1:]]
    shape[axis:axis + 1] = sizes
    return shape


def _interleave(even, odd, axis):
    """[e0, o0, e1, o1, ...] along `axis` (1 = height, 2 = width) of NHWC tensors."""
    stacked = ops.stack([even, odd], axis=axis + 1)
    return ops.reshape(stacked, _static_shape(even, axis, [even.shape[axis] * 2]))


def _shifted(x, axis, offset):
    """x moved by `offset` (+1 or -1) along `axis`, with a zero where it enters."""
    pad = [[0, 0]] * 4
    pad[axis] = [1, 0] if offset > 0 else [0, 1]
    window = [slice(None)] * 4
    size = x.shape[axis]
    window[axis] = slice(0, size) if offset > 0 else slice(1, size + 1)
    return ops.pad(x, pad)[tuple(window)]


BORDERS = ("zeros", "normalised")


def _inside_share(size: int, missing_at_each_end: float) -> np.ndarray:
    """Per output position along one axis, the share of the filter's taps inside the image:
    1 except at the two ends, where zero padding drops `missing_at_each_end`."""
    share = np.ones(size)
    share[0] -= missing_at_each_end
    share[-1] -= missing_at_each_end
    return share


class _LowpassResample(keras.layers.Layer):
    """What both resamplers share: the border rule, and its correction as a constant."""

    def __init__(self, border="zeros", **kwargs):
        super().__init__(**kwargs)
        if border not in BORDERS:
            raise ValueError(f"{self.name}: border must be one of {BORDERS}, got {border!r}")
        self.border = border

    def _filtered(self, x):
        raise NotImplementedError

    def _output_share(self, height: int, width: int) -> np.ndarray:
        """(H_out, W_out): the share of the 2-D filter's weight inside the image."""
        raise NotImplementedError

    def call(self, x):
        y = self._filtered(x)
        if self.border == "normalised":
            share = self._output_share(x.shape[1], x.shape[2])
            y = y * ops.cast((1.0 / share)[None, :, :, None], y.dtype)
        return y

    def get_config(self):
        return {**super().get_config(), "border": self.border}


@keras.saving.register_keras_serializable(package="ganzoo")
class LowpassUpsample(_LowpassResample):
    """x2 upsampling through the low-pass filter [1, 3, 3, 1] / 8 per axis, gain 4 over the
    two axes: StyleGAN2's `upfirdn2d.upsample2d` with the filter R3GAN builds from [1, 2, 1],
    zero-padded at the borders.

    Written as shifts and sums instead of a transposed convolution: each output pixel is
    (3 x[i] + x[i -/+ 1]) / 4 along each axis, which costs a few adds per pixel on a CPU and
    converts to LiteRT as it is. The first and last outputs lose the tap of weight 1/4.
    """

    def _filtered(self, x):
        for axis in (1, 2):
            previous, following = _shifted(x, axis, +1), _shifted(x, axis, -1)
            x = _interleave((previous + 3.0 * x) * 0.25, (3.0 * x + following) * 0.25, axis)
        return x

    def _output_share(self, height, width):
        return np.outer(_inside_share(2 * height, 0.25), _inside_share(2 * width, 0.25))


@keras.saving.register_keras_serializable(package="ganzoo")
class LowpassDownsample(_LowpassResample):
    """/2 downsampling through the same filter: y[i] = (x[2i-1] + 3 x[2i] + 3 x[2i+1] +
    x[2i+2]) / 8 per axis, zero-padded (`upfirdn2d.downsample2d`). The first and last
    outputs lose a tap of weight 1/8 (both of them when the output is one pixel)."""

    def _filtered(self, x):
        for axis in (1, 2):
            pairs = ops.reshape(x, _static_shape(x, axis, [x.shape[axis] // 2, 2]))
            first, second = (ops.take(pairs, i, axis=axis + 1) for i in (0, 1))
            x = (_shifted(second, axis, +1) + 3.0 * (first + second)
                 + _shifted(first, axis, -1)) * 0.125
        return x

    def _output_share(self, height, width):
        return np.outer(_inside_share(height // 2, 0.125), _inside_share(width // 2, 0.125))


def lowpass_kernel_1d() -> np.ndarray:
    """[1, 3, 3, 1] / 8: [1, 2, 1] convolved with [1, 1], normalised (the reference's
    CreateLowpassKernel for interpolative resampling), for tests that check the layers."""
    taps = np.convolve([1.0, 2.0, 1.0], [1.0, 1.0])
    return taps / taps.sum()


@keras.saving.register_keras_serializable(package="ganzoo")
class GenerativeBasis(keras.layers.Layer):
    """The generator's first stage: a learned 4x4 basis per channel, N(0, 1), scaled by a
    linear map of z (the reference's GenerativeBasis); no bias, no activation."""

    def __init__(self, channels, **kwargs):
        super().__init__(**kwargs)
        self.channels = int(channels)

    def build(self, input_shape):
        self.basis = self.add_weight(name="basis", shape=(4, 4, self.channels),
                                     initializer=keras.initializers.RandomNormal(stddev=1.0))
        self.linear = self.add_weight(name="linear", shape=(int(input_shape[-1]), self.channels),
                                      initializer=msr_init(int(input_shape[-1])))

    def call(self, z):
        scale = ops.matmul(z, ops.cast(self.linear, z.dtype))
        return ops.cast(self.basis, z.dtype)[None] * scale[:, None, None, :]

    def get_config(self):
        return {**super().get_config(), "channels": self.channels}


@keras.saving.register_keras_serializable(package="ganzoo")
class DiscriminativeBasis(keras.layers.Layer):
    """The discriminator's last stage: a depthwise 4x4 filter per channel (valid padding, so
    4x4 -> 1x1), then a linear map to `units` outputs (the reference's DiscriminativeBasis)."""

    def __init__(self, units, **kwargs):
        super().__init__(**kwargs)
        self.units = int(units)

    def build(self, input_shape):
        channels = int(input_shape[-1])
        self.basis = self.add_weight(name="basis", shape=(4, 4, channels, 1),
                                     initializer=msr_init(16))
        self.linear = self.add_weight(name="linear", shape=(channels, self.units),
                                      initializer=msr_init(channels))

    def call(self, x):
        pooled = ops.depthwise_conv(x, ops.cast(self.basis, x.dtype), padding="valid")
        return ops.matmul(ops.reshape(pooled, (-1, pooled.shape[-1])),
                          ops.cast(self.linear, x.dtype))

    def get_config(self):
        return {**super().get_config(), "units": self.units}


@keras.saving.register_keras_serializable(package="ganzoo")
class ClipAtInference(keras.layers.Layer):
    """R3GAN's generator has no tanh: it learns on the raw output and is clipped to [-1, 1]
    only when sampled, so what the zoo promises (images in [-1, 1]) holds in every export."""

    def call(self, x, training=None):
        return x if training else ops.clip(x, -1.0, 1.0)
