"""FastGAN: "Towards Faster and Stabilized GAN Training for High-fidelity Few-shot Image
Synthesis" (Liu, Zhu, Song, Elgammal, ICLR 2021; odegeasslbc/FastGAN-pytorch).

The family a CPU user with a folder of a few thousand images reaches for: it was designed to
give recognisable samples after few images seen. Generator: a 4x4 start, GLU up blocks with
batch norm, and skip-layer excitation from the 4x4 and 8x8 features to the 32x32 and 64x64
ones (`ganzoo.nn.fastgan_blocks`). Discriminator: FastGAN's two-path down blocks to 8x8 and a
5x5 map of patch logits, regularised as a self-supervised encoder: small decoders must
rebuild the real image from its 8x8 features and a random quarter of it from the 16x16
features. The paper's reconstruction loss is LPIPS on a pretrained VGG; this one is the
squared error, as lucidrains/lightweight-gan's, so no downloaded network takes part in
training. Hinge loss, DiffAugment and the generator EMA come from the base model's options.

The decoders read the discriminator's features of the un-augmented reals, in a second pass
of its trunk; the paper's read those of the augmented ones. One quarter is drawn per step
from the step's stateless key, so a resumed run and N replicas draw the same quarter.
"""

from dataclasses import dataclass

import keras
import tensorflow as tf
from keras import layers

from ganzoo.models import stages
from ganzoo.models.base import AdversarialModel
from ganzoo.models.hyperparameters import AdversarialHyperparameters, Objective
from ganzoo.nn import blocks
from ganzoo.nn import fastgan_blocks as fb
from ganzoo.registry import register_family
from ganzoo.schema import ConfigError

DECODED_SIZE = 32  # both decoders draw 32x32 images from 8x8 features (two x2 blocks)


@dataclass(frozen=True)
class FastGANHyperparameters(AdversarialHyperparameters):
    latent_dim: int = 256
    # Generator widths per resolution from 4x4 up to the image size (one value stands for
    # all). FastGAN's 256 px nfc is 1024, 512, 256, 128, 128, 64, 32 at ngf 64.
    widths: tuple[int, ...] = (256, 128, 64, 32, 16)
    # Discriminator widths per resolution from half the image size down to 8x8.
    discriminator_widths: tuple[int, ...] = (32, 64, 128)
    decoder_widths: tuple[int, int] = (32, 16)  # the two x2 up blocks of each decoder
    reconstruction_weight: float = 1.0  # 0 turns the self-supervised decoders off
    loss: Objective = "hinge"
    augment: str = "color,translation"  # FastGAN trains with DiffAugment's color and shift
    # Class-conditional when the data has labels (data.labels = "folders"): the label's
    # embedding joins z, and the discriminator adds a projection term (Miyato & Koyama 2018).
    conditional: bool = False

    def __post_init__(self):
        super().__post_init__()
        stages.check_positive_lists(self, ("widths", "discriminator_widths", "decoder_widths"))
        if len(self.decoder_widths) != 2:
            raise ConfigError(f"model.decoder_widths takes two widths (8 -> 16 -> 32), got "
                              f"{list(self.decoder_widths)}")
        if self.reconstruction_weight < 0:
            raise ConfigError(f"model.reconstruction_weight must be >= 0, got "
                              f"{self.reconstruction_weight}")
        if self.self_conditioning:
            raise ConfigError("model.self_conditioning: fastgan's patch logits are not split "
                              "by cluster; use model.conditional with class folders")


@register_family("fastgan")
class FastGAN(AdversarialModel):
    Hyperparameters = FastGANHyperparameters
    reference_entry = "fastgan_twemoji"
    test_sizes = {"latent_dim": 8, "widths": [8], "discriminator_widths": [4],
                  "decoder_widths": [4, 4]}
    # batch norm is synchronized across replicas; the decoders' quarter is one per step
    replica_settings = {}

    @classmethod
    def conditional_for(cls, hparams) -> bool:
        return hparams.conditional

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.decoders = None
        if self.hparams.reconstruction_weight:
            self.decoders = self._build_decoders()
            self.add_tracker("reconstruction")

    # ----- networks --------------------------------------------------------------

    def _levels(self) -> int:
        """Generator resolutions from 4x4 to the image size (at least 32: the decoders read
        the discriminator's 16x16 and 8x8 features)."""
        return stages.resolutions(self.image_shape, "fastgan", smallest=32)

    def _widths(self, key: str, count: int) -> list[int]:
        return stages.per_resolution(self.hparams, key, count, "resolutions")

    def build_generator(self, name="generator"):
        levels = self._levels()
        widths = self._widths("widths", levels)
        z = keras.Input((self.hparams.latent_dim,), name="z")
        inputs, code = z, self.latent_input(z)
        if self.conditional:
            labels = keras.Input((), dtype="int32", name="labels")
            inputs = {"labels": labels, "z": z}
            code = layers.Concatenate(name="z_and_label")(
                [code, blocks.label_embedding(labels, self.num_classes, self.hparams.latent_dim,
                                              name="g_label")])
        x = fb.initial_block(code, widths[0], name="init")
        by_size = {4: x}
        for level in range(1, levels):
            size = 4 * 2**level
            x = fb.up_block(x, widths[level], compound=level % 2 == 1, name=f"up{size}")
            if size // 8 in by_size and size >= 32:  # excited by the features 8x coarser
                x = fb.skip_excitation(by_size[size // 8], x, name=f"sle{size // 8}_{size}")
            by_size[size] = x
        x = layers.Conv2D(self.image_shape[-1], 3, padding="same", name="to_image")(x)
        images = layers.Activation("tanh", dtype="float32", name="images")(x)
        return keras.Model(inputs, images, name=name)

    def _build_encoder(self):
        """The discriminator's down path, a model of its own that the discriminator calls, so
        that the decoders read its 8x8 and 16x16 features with the same weights."""
        widths = self._widths("discriminator_widths", self._levels() - 2)
        images = keras.Input(self.discriminator_input_shape, name="images")
        x = fb.conv(images, widths[0], 4, strides=2, name="d_from_image")
        x = blocks.leaky_relu("d_from_image_act")(x)
        features = {x.shape[1]: x}
        for width in widths[1:]:
            x = fb.down_block(x, width, name=f"d_down{x.shape[1] // 2}")
            features[x.shape[1]] = x
        return keras.Model(images, [features[8], features[16]], name="encoder")

    def build_discriminator(self, name="discriminator"):
        self.encoder = self._build_encoder()
        images = keras.Input(self.discriminator_input_shape, name="images")
        inputs = images
        features, _ = self.encoder(images)
        x = fb.conv(features, features.shape[-1], 1, name="d_logits_mix")
        x = blocks.leaky_relu("d_logits_mix_act")(blocks.batch_norm("d_logits_mix_bn")(x))
        x = layers.Conv2D(1, 4, padding="valid", name="d_logits_conv")(x)
        logits = layers.Flatten(name="patch_logits")(x)  # (B, 25): a 5x5 map of patches
        if self.conditional:
            labels = keras.Input((), dtype="int32", name="labels")
            inputs = {"images": images, "labels": labels}
            pooled = layers.GlobalAveragePooling2D(name="d_pool")(features)
            embedded = blocks.label_embedding(labels, self.num_classes, pooled.shape[-1],
                                              name="d_label")
            projection = layers.Dot(axes=1, name="projection")([pooled, embedded])
            logits = layers.Add(name="with_projection")([logits, projection])
        logits = layers.Activation("linear", dtype="float32", name="logits")(logits)
        return keras.Model(inputs, logits, name=name)

    def _build_decoders(self):
        """Two decoders: the whole image from the 8x8 features, a quarter from 8x8 of the
        16x16 features."""
        eight, sixteen = self.encoder.outputs
        channels = self.image_shape[-1]
        decoders = []
        for name, source in (("whole", eight), ("part", sixteen)):
            features = keras.Input((8, 8, source.shape[-1]), name=f"{name}_features")
            drawn = fb.simple_decoder(features, channels, self.hparams.decoder_widths,
                                      name=f"decode_{name}")
            decoders.append(keras.Model(features, drawn, name=f"decoder_{name}"))
        return decoders

    @property
    def discriminator_variables(self):
        variables = self.discriminator.trainable_variables
        for decoder in self.decoders or ():
            variables = variables + decoder.trainable_variables
        return variables

    # ----- the self-supervised loss ---------------------------------------------------

    def discriminator_penalty(self, real, fake, labels, real_logits):
        """weight x (squared error of the whole image at 32x32 + of a quarter at 32x32)."""
        if self.decoders is None:
            return 0.0
        eight, sixteen = self.encoder(real, training=True)
        quarter = tf.random.stateless_uniform((), self.step_key(), 0, 4, dtype=tf.int32)
        row, col = quarter // 2, quarter % 2
        crop = lambda x, size: x[:, row * size:(row + 1) * size,  # noqa: E731
                                 col * size:(col + 1) * size]
        size = self.image_shape[0]
        whole_target = _resized(real, size, DECODED_SIZE)
        part_target = _resized(crop(real, size // 2), size // 2, DECODED_SIZE)
        whole_decoder, part_decoder = self.decoders
        error = (tf.reduce_mean(tf.square(whole_decoder(eight, training=True) - whole_target))
                 + tf.reduce_mean(tf.square(part_decoder(crop(sixteen, 8), training=True)
                                            - part_target)))
        self.track(reconstruction=error)
        return self.hparams.reconstruction_weight * error


def _resized(images, current: int, size: int):
    """Square images at `size` by an integer factor: box averages down, repeats up (XLA has
    no area resize, and the factors here are powers of 2)."""
    if current >= size:
        factor = current // size
        return tf.nn.avg_pool2d(images, factor, factor, "VALID") if factor > 1 else images
    factor = size // current
    return tf.repeat(tf.repeat(images, factor, axis=1), factor, axis=2)
