"""The base for image-to-image families (pix2pix, CycleGAN).

They differ from noise GANs in what goes in (an image of domain A or B, not
noise) and in what `fit` feeds them (`{"a": ..., "b": ...}` batches from
`ganzoo.datasets.pipeline.translation_batches`), so they have their own
base; optimizers, trackers and loss scaling come from `TwoPlayerModel`.

Public API: `translate(images, direction="a2b")`, float32 NHWC in [-1, 1] in
and out, checked strictly, since a wrong range or size gives plausible-looking
garbage rather than an error.
"""

from dataclasses import dataclass
from typing import Literal

import keras
import numpy as np
import tensorflow as tf

from ganzoo.models.two_player import TwoPlayerModel
from ganzoo.nn import image_to_image
from ganzoo.schema import ConfigError


@dataclass(frozen=True)
class TranslationHyperparameters:
    # "unet" (pix2pix's) or "resnet" (CycleGAN's: image_to_image.resnet_generator)
    generator: Literal["unet", "resnet"] = "unet"
    generator_filters: int = 32  # first layer
    generator_max_filters: int = 128  # width cap (the paper's 512 is for 256x256 photos)
    generator_depth: int = 5  # stride-2 stages of the U-Net
    generator_blocks: int = 6  # residual blocks of the ResNet (the paper's 6 at 128 px)
    discriminator_filters: int = 32
    discriminator_max_filters: int = 256  # the paper: 8 x discriminator_filters
    discriminator_layers: int = 3  # stride-2 PatchGAN layers: 3 -> 70x70 patches, 2 -> 34, 1 -> 16
    norm: Literal["batch", "instance", "none"] = "batch"
    dropout: float = 0.5  # decoder dropout (training only: inference is deterministic)
    jitter: bool = True  # random resize-crop and mirror of training pairs
    # generators output input + a learned change (image_to_image.unet_generator)
    residual: bool = False
    # "transpose" (the paper's stride-2 transposed convolutions) or "resize" (nearest 2x + 3x3
    # convolution, no checkerboard dots: image_to_image.unet_generator)
    upsampling: Literal["transpose", "resize"] = "transpose"

    def __post_init__(self):
        if self.generator not in ("unet", "resnet"):
            raise ConfigError(f"model.generator must be 'unet' or 'resnet', got "
                              f"{self.generator!r}")
        for name in ("generator_filters", "generator_max_filters", "generator_blocks",
                     "discriminator_filters", "discriminator_max_filters",
                     "discriminator_layers"):
            if getattr(self, name) <= 0:
                raise ConfigError(f"model.{name} must be positive, got {getattr(self, name)}")
        if not 0.0 <= self.dropout < 1.0:
            raise ConfigError(f"model.dropout must be in [0, 1), got {self.dropout}")


class TranslationModel(TwoPlayerModel):
    """Generators mapping A <-> B images, trained adversarially by `fit`."""

    Hyperparameters = TranslationHyperparameters
    translation = True
    directions: tuple[str, ...] = ("a2b",)

    def __init__(self, hparams, image_shape, num_classes=None, class_names=None, **kwargs):
        super().__init__(hparams, image_shape, **kwargs)  # two domains, no classes
        if len(self.image_shape) != 3:
            raise ConfigError(f"{type(self).__name__} needs image data, not shape {image_shape}")
        self.build_networks()
        self.built = True

    def build_networks(self):
        raise NotImplementedError

    def generator_network(self, name):
        h = self.hparams
        if h.generator == "resnet":
            return image_to_image.resnet_generator(
                self.image_shape, filters=h.generator_filters,
                max_filters=h.generator_max_filters, blocks_count=h.generator_blocks,
                norm=h.norm, dropout=h.dropout, residual=h.residual, upsampling=h.upsampling,
                name=name)
        try:
            return image_to_image.unet_generator(
                self.image_shape, filters=h.generator_filters, max_filters=h.generator_max_filters,
                depth=h.generator_depth, norm=h.norm, dropout=h.dropout,
                residual=h.residual, upsampling=h.upsampling, name=name)
        except ValueError as err:
            raise ConfigError(f"model.generator_depth: {err}") from None

    def patch_discriminator(self, channels, name):
        h = self.hparams
        return image_to_image.patch_discriminator(
            (*self.image_shape[:2], channels), filters=h.discriminator_filters,
            max_filters=h.discriminator_max_filters, num_layers=h.discriminator_layers,
            norm=h.norm, name=name)

    def generator_for(self, direction: str) -> keras.Model:
        raise NotImplementedError

    # ----- training --------------------------------------------------------------

    def input_pipeline(self, data, *, global_batch_size, seed, start_step=0):
        from ganzoo.datasets.base import ImagePairs
        from ganzoo.datasets.pipeline import translation_batches

        if not isinstance(data, ImagePairs):
            raise ConfigError(f"{type(self).__name__} trains on a two-domain data set "
                              f"(emoji, horse2zebra), not '{data.name}'")
        return translation_batches(data, global_batch_size=global_batch_size, seed=seed,
                                   start_step=start_step, jitter=self.hparams.jitter)

    # ----- inference -------------------------------------------------------------

    def call(self, inputs, training=False):
        return self.generator_for(self.directions[0])(inputs, training=training)

    def translate(self, images, direction="a2b", batch_size=64):
        """Images of the other domain, float32 (N, H, W, C) in [-1, 1]."""
        if direction not in self.directions:
            raise ValueError(f"{type(self).__name__} translates {' or '.join(self.directions)},"
                             f" not {direction!r}")
        images = np.asarray(images)
        if images.ndim == 3:
            raise ValueError(f"images must be a batch (N, H, W, C); got one image of shape "
                             f"{images.shape}: use images[None]")
        if images.ndim != 4 or images.shape[1:] != self.image_shape:
            raise ValueError(f"images must have shape (N, {', '.join(map(str, self.image_shape))})"
                             f", got {images.shape}")
        if not np.issubdtype(images.dtype, np.floating):
            raise ValueError(f"images must be float in [-1, 1], got dtype {images.dtype} "
                             "(uint8 pixels: images / 127.5 - 1)")
        if len(images) == 0:
            raise ValueError("images is empty")
        if not np.all(np.isfinite(images)) or images.min() < -1.0 or images.max() > 1.0:
            raise ValueError("images must be finite and in [-1, 1]")
        generator = self.generator_for(direction)
        out = [generator(tf.constant(images[i:i + batch_size], tf.float32), training=False)
               for i in range(0, len(images), batch_size)]
        return np.concatenate([np.asarray(o, np.float32) for o in out])

    def serving_signatures(self) -> dict:
        """images -> images per direction, plus PNG variants (see ganzoo.serving)."""
        from ganzoo import serving

        return serving.translation_signatures(self)

    def exported_generators(self) -> list:
        # A method, not a property: Keras' saver walks properties, and a property
        # returning layers would change the weight paths inside `.keras` files.
        return [self.generator_for(d) for d in self.directions]

