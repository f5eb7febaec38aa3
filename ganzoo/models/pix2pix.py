"""Pix2Pix: conditional GAN for paired image-to-image translation (Isola et al. 2017).

G: a U-Net from A to B. D: a PatchGAN that sees the input and an output side
by side (channel-concatenated) and scores each patch as real pair or fake
pair. Objective (eq. 4): G* = arg min_G max_D L_cGAN(G, D) + lambda L_L1(G),
lambda = 100, with the non-saturating generator loss; the discriminator's
loss is halved "to slow down the rate at which D learns" (section 3.3).
"""

from dataclasses import dataclass

import tensorflow as tf
from keras import layers

from ganzoo import losses
from ganzoo.models.translation import TranslationHyperparameters, TranslationModel
from ganzoo.nn import diffaugment
from ganzoo.registry import register_family
from ganzoo.schema import ConfigError


@dataclass(frozen=True)
class Pix2PixHyperparameters(TranslationHyperparameters):
    l1_weight: float = 100.0
    # DiffAugment (Zhao et al. 2020) on the discriminator's (input, output) pairs, the
    # same transformation for both halves: "translation", "cutout" or both. With 1,288
    # training pairs the PatchGAN otherwise memorizes the real pairs.
    augment: str = ""

    def __post_init__(self):
        super().__post_init__()
        try:
            policy = diffaugment.parse_policy(self.augment)
        except ValueError as err:
            raise ConfigError(f"model.augment: {err}") from None
        if "color" in policy:
            raise ConfigError("model.augment: 'color' would mix the input's and the output's "
                              "channels of a pair; use translation and/or cutout")


@register_family("pix2pix")
class Pix2Pix(TranslationModel):
    Hyperparameters = Pix2PixHyperparameters
    reference_entry = "pix2pix_emoji"
    test_sizes = {"generator_filters": 4, "generator_max_filters": 4, "discriminator_filters": 4,
                  "discriminator_max_filters": 4}
    # With the version 3 settings (resize decoder, 16x16 patches) the generators are 2.6e-7
    # apart after one step and 3.6e-6 after two, then 4.9e-3 after three, when the float noise
    # is amplified; without the 1/N they are 0.07 apart after one step and 1.66 after three
    # (measured 2026-12-02).
    replica_settings = {"dropout": 0.0}
    replica_tolerance = 1e-2
    tracked_metrics = ("d_loss", "g_loss", "g_gan_loss", "g_l1_loss", "real_score", "fake_score")

    def build_networks(self):
        self.generator = self.generator_network("generator")
        self.discriminator = self.patch_discriminator(2 * self.image_shape[2], "discriminator")
        self._pair = layers.Concatenate(name="input_and_output")
        self._augment_policy = diffaugment.parse_policy(self.hparams.augment)

    def generator_for(self, direction):
        return self.generator

    def score(self, inputs, outputs, training):
        pairs = self._pair([inputs, outputs])
        if training and self._augment_policy:
            pairs = diffaugment.diff_augment(pairs, self._augment_policy, self.step_key())
        return self.discriminator(pairs, training=training)

    def objective(self, a, b, training=True):
        """(d_loss, g_loss, parts) of one batch of pairs, before replica scaling."""
        fake_b = self.generator(a, training=training)
        real_logits = self.score(a, b, training)
        fake_logits = self.score(a, fake_b, training)
        d_loss = 0.5 * losses.minimax_discriminator_loss(real_logits, fake_logits)
        g_gan = losses.modified_generator_loss(fake_logits)
        g_l1 = losses.l1_loss(b, fake_b)
        g_loss = g_gan + self.hparams.l1_weight * g_l1
        return d_loss, g_loss, {"g_gan_loss": g_gan, "g_l1_loss": g_l1,
                                "real_score": tf.reduce_mean(real_logits),
                                "fake_score": tf.reduce_mean(fake_logits)}

    def train_step(self, data):
        self.start_step_draws()
        with tf.GradientTape(persistent=True) as tape:
            d_loss, g_loss, parts = self.objective(data["a"], data["b"])
            d_scaled, g_scaled = self.replica_share(d_loss), self.replica_share(g_loss)
        self.descend(self.d_optimizer, tape, d_scaled, self.discriminator_variables)
        self.descend(self.g_optimizer, tape, g_scaled, self.generator_variables)
        del tape
        self.track(d_loss=d_loss, g_loss=g_loss, **parts)
        return self.results()
