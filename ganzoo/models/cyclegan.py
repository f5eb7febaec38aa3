"""CycleGAN: unpaired translation with cycle consistency (Zhu et al. 2017).

Two generators, G: A -> B and F: B -> A, and two PatchGAN discriminators,
D_B (real B vs G(a)) and D_A (real A vs F(b)). The generators minimise, as in
the paper's eqs. 1-3 and section 5.2,

    L_LSGAN(G, D_B) + L_LSGAN(F, D_A)
    + lambda (E|F(G(a)) - a| + E|G(F(b)) - b|)                       (cycle, lambda = 10)
    + identity_weight * lambda (E|G(b) - b| + E|F(a) - a|)           (identity, 0.5)

with the least-squares generator loss E[(D(G(a)) - 1)^2]. Each discriminator
minimises 1/2 (E[(D(real) - 1)^2] + E[D(fake)^2]), the fakes drawn from a
50-image history buffer. Training never uses a's partner b: batches of the two
domains are drawn independently (`translation_batches` on unpaired data, or
with `model.unpaired = true` on a paired set such as emoji).
"""

import dataclasses
from dataclasses import dataclass

import tensorflow as tf

from ganzoo import losses
from ganzoo.models.translation import TranslationHyperparameters, TranslationModel
from ganzoo.nn.image_history import ImageHistory
from ganzoo.registry import register_family
from ganzoo.schema import ConfigError


@dataclass(frozen=True)
class CycleGANHyperparameters(TranslationHyperparameters):
    norm: str = "instance"
    dropout: float = 0.0
    cycle_weight: float = 10.0  # lambda
    identity_weight: float = 0.5  # times lambda; 0 disables the identity term
    history_size: int = 50
    unpaired: bool = True  # draw A and B batches independently even if the data is paired

    def __post_init__(self):
        super().__post_init__()
        if self.norm not in ("batch", "instance", "none"):
            raise ConfigError(
                f"model.norm must be 'batch', 'instance' or 'none', got {self.norm!r}")
        for name in ("cycle_weight", "identity_weight", "history_size"):
            if getattr(self, name) < 0:
                raise ConfigError(f"model.{name} must be >= 0, got {getattr(self, name)}")


@register_family("cyclegan")
class CycleGAN(TranslationModel):
    Hyperparameters = CycleGANHyperparameters
    reference_entry = "cyclegan_emoji"
    test_sizes = {"generator_filters": 4, "generator_max_filters": 4, "discriminator_filters": 4,
                  "discriminator_max_filters": 4, "history_size": 8}
    # Four networks, usually about 1e-6 apart, but 2.9e-3 in one clean-clone CI run; without
    # the 1/N, 3.2e-2. The history buffer's draws follow the batch split: switched off.
    replica_settings = {"history_size": 0}
    replica_tolerance = 1e-2
    directions = ("a2b", "b2a")
    tracked_metrics = ("d_loss", "g_loss", "g_gan_loss", "cycle_loss", "identity_loss",
                       "real_score", "fake_score")

    def build_networks(self):
        channels = self.image_shape[2]
        self.generator_ab = self.generator_network("generator_ab")
        self.generator_ba = self.generator_network("generator_ba")
        self.discriminator_a = self.patch_discriminator(channels, "discriminator_a")
        self.discriminator_b = self.patch_discriminator(channels, "discriminator_b")
        size = self.hparams.history_size
        self.history_a = ImageHistory(size, self.image_shape, name="history_a")
        self.history_b = ImageHistory(size, self.image_shape, name="history_b")

    def generator_for(self, direction):
        return self.generator_ab if direction == "a2b" else self.generator_ba

    @property
    def generator_variables(self):
        return self.generator_ab.trainable_variables + self.generator_ba.trainable_variables

    @property
    def discriminator_variables(self):
        return (self.discriminator_a.trainable_variables
                + self.discriminator_b.trainable_variables)

    def input_pipeline(self, data, *, global_batch_size, seed, start_step=0):
        if self.hparams.unpaired and data.paired:
            data = dataclasses.replace(data, paired=False)
        return super().input_pipeline(data, global_batch_size=global_batch_size, seed=seed,
                                      start_step=start_step)

    def generator_objective(self, a, b, training=True):
        """(total, parts, fake_a, fake_b) for both generators, before replica scaling."""
        h = self.hparams
        fake_b = self.generator_ab(a, training=training)
        fake_a = self.generator_ba(b, training=training)
        cycled_a = self.generator_ba(fake_b, training=training)
        cycled_b = self.generator_ab(fake_a, training=training)
        # 2 x the least-squares generator loss = the paper's E[(D(G(x)) - 1)^2]
        judged_b = self.discriminator_b(fake_b, training=training)
        judged_a = self.discriminator_a(fake_a, training=training)
        gan = 2.0 * (losses.least_squares_generator_loss(judged_b)
                     + losses.least_squares_generator_loss(judged_a))
        cycle = 2.0 * losses.cycle_consistency_loss(a, cycled_a, b, cycled_b)
        identity = tf.constant(0.0)
        if h.identity_weight:
            identity = (losses.l1_loss(b, self.generator_ab(b, training=training))
                        + losses.l1_loss(a, self.generator_ba(a, training=training)))
        total = gan + h.cycle_weight * cycle + h.identity_weight * h.cycle_weight * identity
        parts = {"g_gan_loss": gan, "cycle_loss": cycle, "identity_loss": identity}
        return total, parts, fake_a, fake_b

    def discriminator_objective(self, a, b, fake_a, fake_b, training=True):
        real_a = self.discriminator_a(a, training=training)
        real_b = self.discriminator_b(b, training=training)
        old_a = self.discriminator_a(fake_a, training=training)
        old_b = self.discriminator_b(fake_b, training=training)
        loss = (losses.least_squares_discriminator_loss(real_a, old_a)
                + losses.least_squares_discriminator_loss(real_b, old_b))
        scores = {"real_score": 0.5 * (tf.reduce_mean(real_a) + tf.reduce_mean(real_b)),
                  "fake_score": 0.5 * (tf.reduce_mean(old_a) + tf.reduce_mean(old_b))}
        return loss, scores

    def train_step(self, data):
        self.start_step_draws()
        a, b = data["a"], data["b"]
        with tf.GradientTape() as tape:
            g_loss, parts, fake_a, fake_b = self.generator_objective(a, b)
            g_scaled = self.replica_share(g_loss)
        self.descend(self.g_optimizer, tape, g_scaled, self.generator_variables)
        pooled_a = self.history_a(tf.stop_gradient(fake_a), self.step_key())
        pooled_b = self.history_b(tf.stop_gradient(fake_b), self.step_key())
        with tf.GradientTape() as tape:
            d_loss, scores = self.discriminator_objective(a, b, pooled_a, pooled_b)
            d_scaled = self.replica_share(d_loss)
        self.descend(self.d_optimizer, tape, d_scaled, self.discriminator_variables)
        self.track(d_loss=d_loss, g_loss=g_loss, **parts, **scores)
        return self.results()
