"""R3GAN: "The GAN is dead; long live the GAN! A Modern GAN Baseline" (Huang, Gokaslan,
Kuleshov, Tompkin, NeurIPS 2024; brownvc/R3GAN).

The objective is the relativistic pairing loss with R1 and R2 (`loss = "relativistic"`,
`r1_gamma = r2_gamma`, gamma on a cosine schedule): options every family has, set here by
default. The networks are StyleGAN2 with its tricks removed (no mapping network, style
modulation, noise inputs, path-length regularisation, minibatch-stddev or equalised learning
rate) and modern blocks put in: stages of ResNeXt-style residual blocks without normalisation,
Fix-up initialisation and low-pass resampling (`ganzoo.nn.resnext`).

Stages run 4x4 -> 8x8 -> ... -> the image size, one width, block count and cardinality per
stage (or one value for all); the discriminator mirrors the generator.
"""

from dataclasses import dataclass
from typing import Literal

import keras
from keras import layers

from ganzoo.models import stages
from ganzoo.models.base import AdversarialModel
from ganzoo.models.hyperparameters import AdversarialHyperparameters, Objective
from ganzoo.nn import resnext
from ganzoo.nn.blocks import label_embedding
from ganzoo.registry import register_family
from ganzoo.schema import ConfigError


@dataclass(frozen=True)
class R3GANHyperparameters(AdversarialHyperparameters):
    latent_dim: int = 64
    # One value per stage from 4x4 up to the image size, or one value for every stage. The
    # paper's FFHQ-64: widths 768, 768, 768, 768, 384; 2 blocks; cardinality 96, 96, 96, 96, 48.
    widths: tuple[int, ...] = (256, 256, 128, 64, 32)
    blocks: tuple[int, ...] = (1,)
    cardinality: tuple[int, ...] = (8,)  # groups of the 3x3 convolution
    expansion: int = 2  # the block's bottleneck widens channels by this factor (the paper's 2)
    # "zeros": the reference's zero-padded resampling, which dims every border at every
    # stage; "normalised": each output divided by the share of its taps inside the image.
    resample_border: Literal["zeros", "normalised"] = "zeros"
    loss: Objective = "relativistic"
    r1_gamma: float = 0.05  # the paper's CIFAR-10 start
    r2_gamma: float = 0.05
    # Class-conditional, as the paper's CIFAR-10 model: the data's class folders (data.labels
    # = "folders") are its labels, and `sample(n, labels=["cat"])` asks for a class.
    conditional: bool = False

    def __post_init__(self):
        super().__post_init__()
        stages.check_positive_lists(self, ("widths", "blocks", "cardinality"))
        if self.expansion < 1:
            raise ConfigError(f"model.expansion must be at least 1, got {self.expansion}")
        if self.resample_border not in resnext.BORDERS:
            raise ConfigError(f"model.resample_border must be one of "
                              f"{', '.join(resnext.BORDERS)}, got {self.resample_border!r}")


@register_family("r3gan")
class R3GAN(AdversarialModel):
    Hyperparameters = R3GANHyperparameters
    reference_entry = "r3gan_twemoji"
    test_sizes = {"latent_dim": 8, "widths": [8], "blocks": [1], "cardinality": [2],
                  "expansion": 1}

    @classmethod
    def conditional_for(cls, hparams) -> bool:
        return hparams.conditional

    def _plan(self):
        """(widths, blocks, cardinality) per stage, 4x4 first, and the blocks in total."""
        count = stages.resolutions(self.image_shape, "r3gan")
        plan = [stages.per_resolution(self.hparams, key, count)
                for key in ("widths", "blocks", "cardinality")]
        for width, groups in zip(plan[0], plan[2]):
            if width * self.hparams.expansion % groups:
                raise ConfigError(f"model.cardinality: {groups} groups do not divide "
                                  f"{width} x {self.hparams.expansion} expanded channels")
        return (*plan, sum(plan[1]))

    def _blocks(self, x, count, groups, total, name):
        for i in range(count):
            x = resnext.residual_block(x, cardinality=groups, expansion=self.hparams.expansion,
                                       total_blocks=total, name=f"{name}_block{i}")
        return x

    def build_generator(self, name="generator"):
        widths, blocks, groups, total = self._plan()
        z = keras.Input((self.hparams.latent_dim,), name="z")
        inputs, code = z, self.latent_input(z)
        if self.conditional:  # [z, E y]: the reference's EmbeddingLayer, E of z's size
            labels = keras.Input((), dtype="int32", name="labels")
            inputs = {"labels": labels, "z": z}
            code = layers.Concatenate(name="z_and_label")(
                [code, label_embedding(labels, self.num_classes, self.hparams.latent_dim,
                                       name="g_label")])
        x = resnext.GenerativeBasis(widths[0], name="basis")(code)
        for stage, width in enumerate(widths):
            if stage:
                if width != x.shape[-1]:
                    x = resnext.pointwise(x, width, name=f"stage{stage}_widen")
                x = resnext.LowpassUpsample(self.hparams.resample_border,
                                            name=f"stage{stage}_up")(x)
            x = self._blocks(x, blocks[stage], groups[stage], total, f"g_stage{stage}")
        x = resnext.pointwise(x, self.image_shape[-1], name="to_image")
        images = resnext.ClipAtInference(name="images", dtype="float32")(x)
        return keras.Model(inputs, images, name=name)

    def build_discriminator(self, name="discriminator"):
        widths, blocks, groups, total = self._plan()
        widths, blocks, groups = widths[::-1], blocks[::-1], groups[::-1]  # G's mirror image
        images = keras.Input(self.discriminator_input_shape, name="images")
        inputs = images
        x = resnext.pointwise(images, widths[0], name="from_image")
        for stage, width in enumerate(widths):
            x = self._blocks(x, blocks[stage], groups[stage], total, f"d_stage{stage}")
            if stage + 1 < len(widths):
                x = resnext.LowpassDownsample(self.hparams.resample_border,
                                              name=f"stage{stage}_down")(x)
                if widths[stage + 1] != width:
                    x = resnext.pointwise(x, widths[stage + 1], name=f"stage{stage}_narrow")
        if not self.conditional:
            logits = resnext.DiscriminativeBasis(self.discriminator_outputs, name="basis")(x)
        else:  # projection onto the label's embedding (the reference's conditional D)
            labels = keras.Input((), dtype="int32", name="labels")
            inputs = {"images": images, "labels": labels}
            features = resnext.DiscriminativeBasis(widths[-1], name="basis")(x)
            embedded = label_embedding(labels, self.num_classes, widths[-1],
                                              gain=widths[-1] ** -0.5, name="d_label")
            logits = layers.Dot(axes=1, name="projection")([features, embedded])
        logits = layers.Activation("linear", dtype="float32", name="logits")(logits)
        return keras.Model(inputs, logits, name=name)
