"""The layers Karras et al. 2018 ("Progressive Growing of GANs") introduce, section 4.

- Equalized learning rate (4.1): weights are drawn from N(0, 1) and scaled at
  run time by He's constant gain / sqrt(fan_in), so Adam's per-parameter step
  size means the same for every layer, whatever its fan-in.
- Pixelwise feature normalization (4.2): each pixel's feature vector is scaled
  to unit average square, which keeps generator signals from escalating.
- Minibatch standard deviation (3): the discriminator gets one extra feature
  map, the standard deviation of each feature over the batch averaged to a
  scalar, so a generator that collapses to few outputs is easy to spot.

All are plain registered Keras layers, so the ProGAN networks stay
functional models that save in safe mode.
"""

import math

import keras
from keras import ops

HE_GAIN = math.sqrt(2.0)  # He et al.'s gain for ReLU-family activations


@keras.saving.register_keras_serializable(package="ganzoo")
class EqualizedDense(keras.layers.Layer):
    def __init__(self, units, gain=HE_GAIN, **kwargs):
        super().__init__(**kwargs)
        self.units = int(units)
        self.gain = float(gain)

    def build(self, input_shape):
        fan_in = int(input_shape[-1])
        self.scale = self.gain / math.sqrt(fan_in)
        self.kernel = self.add_weight(shape=(fan_in, self.units), name="kernel",
                                      initializer=keras.initializers.RandomNormal(0.0, 1.0))
        self.bias = self.add_weight(shape=(self.units,), name="bias", initializer="zeros")

    def call(self, x):
        return ops.matmul(x, self.kernel * self.scale) + self.bias

    def get_config(self):
        return {**super().get_config(), "units": self.units, "gain": self.gain}


@keras.saving.register_keras_serializable(package="ganzoo")
class EqualizedConv2D(keras.layers.Layer):
    """Stride-1 'same' convolution with an equalized learning rate."""

    def __init__(self, filters, kernel_size=3, gain=HE_GAIN, **kwargs):
        super().__init__(**kwargs)
        self.filters = int(filters)
        self.kernel_size = int(kernel_size)
        self.gain = float(gain)

    def build(self, input_shape):
        channels = int(input_shape[-1])
        self.scale = self.gain / math.sqrt(channels * self.kernel_size**2)
        self.kernel = self.add_weight(
            shape=(self.kernel_size, self.kernel_size, channels, self.filters), name="kernel",
            initializer=keras.initializers.RandomNormal(0.0, 1.0))
        self.bias = self.add_weight(shape=(self.filters,), name="bias", initializer="zeros")

    def call(self, x):
        return ops.conv(x, self.kernel * self.scale, padding="same") + self.bias

    def get_config(self):
        return {**super().get_config(), "filters": self.filters,
                "kernel_size": self.kernel_size, "gain": self.gain}


@keras.saving.register_keras_serializable(package="ganzoo")
class PixelNorm(keras.layers.Layer):
    """x / sqrt(mean over channels of x^2 + 1e-8), per pixel (eq. in section 4.2)."""

    def call(self, x):
        return x * ops.rsqrt(ops.mean(ops.square(x), axis=-1, keepdims=True) + 1e-8)


@keras.saving.register_keras_serializable(package="ganzoo")
class MinibatchStddev(keras.layers.Layer):
    """Appends one feature map: the standard deviation over a group of samples, averaged
    over features and pixels.

    Groups are `group_size` consecutive samples (4 in Karras et al.'s code), so
    the statistic does not depend on how `tf.distribute` splits the batch as
    long as each replica's batch is a multiple of the group size.
    """

    def __init__(self, group_size=4, **kwargs):
        super().__init__(**kwargs)
        self.group_size = int(group_size)

    def call(self, x):
        shape = ops.shape(x)
        group = min(self.group_size, x.shape[0]) if x.shape[0] else self.group_size
        grouped = ops.reshape(x, (-1, group, shape[1], shape[2], shape[3]))  # (M, G, H, W, C)
        std = ops.sqrt(ops.var(grouped, axis=1) + 1e-8)  # (M, H, W, C)
        per_group = ops.mean(std, axis=(1, 2, 3))  # (M,)
        per_sample = ops.reshape(ops.repeat(per_group, group), (-1, 1, 1, 1))
        feature = ops.ones((shape[0], shape[1], shape[2], 1), dtype=x.dtype) * per_sample
        return ops.concatenate([x, feature], axis=-1)

    def get_config(self):
        return {**super().get_config(), "group_size": self.group_size}


@keras.saving.register_keras_serializable(package="ganzoo")
class LevelWeight(keras.layers.Layer):
    """x * weights[:, index]: the fade-in coefficient of one resolution level, per example."""

    def __init__(self, index, **kwargs):
        super().__init__(**kwargs)
        self.index = int(index)

    def call(self, x, weights):
        w = weights[:, self.index]
        return x * ops.reshape(w, (-1,) + (1,) * (len(x.shape) - 1))

    def get_config(self):
        return {**super().get_config(), "index": self.index}
