"""Generator and discriminator bodies that the families assemble.

All bodies are functional `keras.Model`s with named inputs, so a family's
networks print, plot, save and export like any Keras model. Weights start
from N(0, 0.02), as in DCGAN (Radford et al. 2015, section 4).
"""

import keras
from keras import layers


def dcgan_init() -> keras.initializers.Initializer:
    """N(0, 0.02), a new initializer per layer. A Keras 3 initializer draws its integer seed
    when it is constructed and repeats its values on every call: one shared module-level
    instance gave same-shaped layers the same kernels, and a seed fixed at import (before
    `keras.utils.set_random_seed`) that changed from process to process."""
    return keras.initializers.RandomNormal(stddev=0.02)


def num_upsamplings(size: int) -> int:
    """How many stride-2 stages reach `size` from a small seed: 28 -> 7 (2), 64 -> 4 (4)."""
    stages = 0
    while size % 2 == 0 and size > 4:
        size //= 2
        stages += 1
    if stages == 0:
        raise ValueError(f"image size {size} cannot be reached by stride-2 upsampling")
    return stages


def batch_norm(name=None):
    """Batch norm whose statistics are those of the global batch under N replicas.

    Synchronizing makes N devices train exactly like one. With a single
    replica it is skipped: the cross-replica op has nothing to do there but
    splits the XLA cluster and halves CPU speed (measured, docs/speed.md).
    """
    import tensorflow as tf

    synchronized = tf.distribute.get_strategy().num_replicas_in_sync > 1
    return layers.BatchNormalization(synchronized=synchronized, momentum=0.9, name=name)


def maybe_spectral(layer, enabled=True):
    """Wrap `layer` in spectral normalization (Miyato et al. 2018) when enabled."""
    return layers.SpectralNormalization(layer, name=f"{layer.name}_sn") if enabled else layer


def mlp(x, units, *, activation, dropout=0.0, prefix, spectral=False, norm="none", maxout=0):
    """Dense layers of `units` widths, each followed by its nonlinearity.

    `norm="batch"` puts batch norm between each Dense layer (then bias-free)
    and its activation, as PacGAN's 2D generator does. `maxout=p` replaces
    the activation by a maxout unit over p linear pieces (Goodfellow et al.
    2013), the discriminator unit of the GAN, VEEGAN and PacGAN 2D benchmarks.
    """
    for i, width in enumerate(units):
        dense = layers.Dense(width * max(maxout, 1), use_bias=norm != "batch",
                             name=f"{prefix}_dense{i}")
        x = maybe_spectral(dense, spectral)(x)
        if norm == "batch":
            x = batch_norm(f"{prefix}_bn{i}")(x)
        x = Maxout(maxout, name=f"{prefix}_maxout{i}")(x) if maxout else activation(
            name=f"{prefix}_act{i}")(x)
        if dropout:
            x = layers.Dropout(dropout, name=f"{prefix}_dropout{i}")(x)
    return x


@keras.saving.register_keras_serializable(package="ganzoo")
class Maxout(layers.Layer):
    """The maximum over `pieces` consecutive features: (..., n * pieces) -> (..., n)."""

    def __init__(self, pieces, **kwargs):
        super().__init__(**kwargs)
        self.pieces = int(pieces)

    def call(self, x):
        shape = keras.ops.shape(x)
        grouped = keras.ops.reshape(x, (*shape[:-1], shape[-1] // self.pieces, self.pieces))
        return keras.ops.max(grouped, axis=-1)

    def compute_output_shape(self, input_shape):
        return (*input_shape[:-1], input_shape[-1] // self.pieces)

    def get_config(self):
        return {**super().get_config(), "pieces": self.pieces}


def leaky_relu(name=None):
    return layers.LeakyReLU(negative_slope=0.2, name=name)


def upsampling_decoder(x, image_shape, base_filters, *, kernel_size=4):
    """Dense -> (s, s, f) -> [ConvTranspose stride 2, BN, ReLU]* -> tanh image.

    The DCGAN generator (Radford et al. 2015, figure 1): no pooling, batch
    norm everywhere except the output, ReLU inside and tanh at the output.
    Width halves at every stage, ending at `base_filters` before the output.
    """
    height, _, channels = image_shape
    stages = num_upsamplings(height)
    seed_size = height // 2**stages
    width = base_filters * 2 ** (stages - 1)
    x = layers.Dense(seed_size * seed_size * width, use_bias=False,
                     kernel_initializer=dcgan_init(), name="project")(x)
    x = batch_norm("project_bn")(x)
    x = layers.ReLU(name="project_relu")(x)
    x = layers.Reshape((seed_size, seed_size, width), name="seed")(x)
    for i in range(stages - 1):
        width //= 2
        x = layers.Conv2DTranspose(width, kernel_size, strides=2, padding="same", use_bias=False,
                                   kernel_initializer=dcgan_init(), name=f"up{i}")(x)
        x = batch_norm(f"up{i}_bn")(x)
        x = layers.ReLU(name=f"up{i}_relu")(x)
    x = layers.Conv2DTranspose(channels, kernel_size, strides=2, padding="same",
                               kernel_initializer=dcgan_init(), name="to_image")(x)
    return layers.Activation("tanh", name="images", dtype="float32")(x)


NORMS = ("batch", "layer", "spectral", "none")


def downsampling_encoder(x, base_filters, *, stages, kernel_size=4, norm="batch", dropout=0.0,
                         outputs=1):
    """[Conv stride 2, (norm), LeakyReLU 0.2]* -> flatten -> `outputs` logits per image.

    The DCGAN discriminator: strided convolutions instead of pooling, no
    normalization on the first layer, LeakyReLU(0.2) throughout, a linear
    logit. `norm`: "batch" (DCGAN), "layer" (the WGAN-GP paper's critic:
    batch norm would make the penalty's per-sample gradients depend on the
    batch), "spectral" (SN-GAN: every conv and the logit layer) or "none".
    `dropout` after each block regularizes a discriminator that would
    otherwise memorize a small data set (as in TensorFlow's DCGAN tutorial).
    """
    if norm not in NORMS:
        raise ValueError(f"norm must be one of {NORMS}, got {norm!r}")
    width = base_filters
    for i in range(stages):
        conv = layers.Conv2D(width, kernel_size, strides=2, padding="same",
                             kernel_initializer=dcgan_init(), name=f"down{i}")
        x = maybe_spectral(conv, norm == "spectral")(x)
        if norm == "batch" and i > 0:
            x = batch_norm(f"down{i}_bn")(x)
        elif norm == "layer" and i > 0:
            x = layers.LayerNormalization(axis=(1, 2, 3), name=f"down{i}_ln")(x)
        x = leaky_relu(f"down{i}_lrelu")(x)
        if dropout:
            x = layers.Dropout(dropout, name=f"down{i}_dropout")(x)
        width *= 2
    x = layers.Flatten(name="flatten")(x)
    return logit(x, kernel_initializer=dcgan_init(), spectral=norm == "spectral", units=outputs)


def logit(x, kernel_initializer="glorot_uniform", spectral=False, units=1):
    """Unnormalised scores per example, shape (B, units), always in float32."""
    dense = layers.Dense(units, kernel_initializer=kernel_initializer, name="logits",
                         dtype="float32")
    return maybe_spectral(dense, spectral)(x)


def label_embedding(labels, num_classes: int, units: int, *, gain: float = 1.0, name: str):
    """A bias-free linear map of the one-hot label, N(0, gain / sqrt(classes)): the class
    code a conditional generator joins to z, or a projection discriminator's class vector."""
    one_hot = layers.CategoryEncoding(num_classes, output_mode="one_hot",
                                      name=f"{name}_one_hot")(labels)
    stddev = gain / num_classes**0.5
    return layers.Dense(units, use_bias=False, name=f"{name}_embedding",
                        kernel_initializer=keras.initializers.RandomNormal(stddev=stddev))(one_hot)
