"""The adversarial base model every family subclasses.

It owns what all noise-to-data GANs share, so a family file only says how its
networks look and which losses it plays (optimizer building and loss scaling
under N replicas come from `two_player.TwoPlayerModel`):

- `train_step` runs k discriminator updates, then one generator update, on the
  batches that `ganzoo.datasets.pipeline` lays out (one real batch and one
  noise batch per update, all drawn in the input pipeline, so the noise is
  seeded and split across replicas with the data).
- An optional exponential moving average of the generator weights (Yazici et
  al. 2019), updated after every generator step and used for sampling/export.
- `get_config`/`from_config`: the model is rebuilt from its hyperparameters,
  so a whole GAN saves and reloads as `.keras` (safe mode, no Lambda layers).
"""

import contextlib

import keras
import tensorflow as tf

from ganzoo import losses
from ganzoo.models.hyperparameters import AdversarialHyperparameters
from ganzoo.models.options import (
    adaptive_augment,
    ema,
    packing,
    self_conditioning,
    top_k,
    zero_centred,
)
from ganzoo.models.sampling import Sampling
from ganzoo.models.two_player import TwoPlayerModel
from ganzoo.nn import bodies, diffaugment, latent_code
from ganzoo.schema import ConfigError

CLUSTER_CODE = "cluster_code"  # the self-conditioned generator's ClusterCode layer


class AdversarialModel(Sampling, TwoPlayerModel):
    """Generator + discriminator trained by `fit`. Subclasses define the networks."""

    Hyperparameters = AdversarialHyperparameters
    tracked_metrics = ("d_loss", "g_loss", "real_score", "fake_score", "g_grad_norm")

    def __init__(self, hparams, image_shape, num_classes=None, class_names=None, **kwargs):
        super().__init__(hparams, image_shape, num_classes, class_names, **kwargs)
        hparams = self.hparams
        if self.conditional and not num_classes:
            raise ValueError(f"{type(self).__name__} needs num_classes (a labelled data set)")
        if self.conditional and hparams.pack > 1:
            raise ConfigError("model.pack: packing is for unconditional families only")
        if self.conditional and hparams.latent_categories:
            raise ConfigError("model.latent_categories: a conditional family already has labels")
        if self.conditional and hparams.self_conditioning:
            raise ConfigError("model.self_conditioning: a conditional family already has labels")
        self._augment_policy = diffaugment.parse_policy(hparams.augment)
        self._margin_signal = (hparams.augment_signal == "margin" or (
            hparams.augment_signal == "auto" and hparams.loss == "relativistic"))
        if self._augment_policy and len(self.image_shape) != 3:
            raise ConfigError("model.augment: DiffAugment needs image data (H, W, C)")
        self.augment_probability = None
        if hparams.augment_target:
            self.augment_probability = self.add_weight(
                name="augment_probability", shape=(), initializer="zeros", trainable=False)
            self.add_tracker("augment_p")
            self.add_tracker("augment_signal")
        self.generator = self.build_generator()
        self.discriminator = self.build_discriminator()
        self.code_predictor = None
        if hparams.latent_categories:
            self.code_predictor = self.build_code_predictor()
            self.add_tracker("code_loss")
        if hparams.r1_gamma or hparams.r2_gamma:
            zero_centred.warn_if_batch_norm_splits_it(self.discriminator)
        for name, gamma in (("r1_penalty", hparams.r1_gamma), ("r2_penalty", hparams.r2_gamma)):
            if gamma:
                self.add_tracker(name)
        self.ema_generator = None
        if hparams.ema_decay > 0:
            self.ema_generator = self.build_generator(name="ema_generator")
            self.ema_generator.set_weights(self.generator.get_weights())
        self.built = True

    # ----- what a family defines -------------------------------------------------

    def build_generator(self, name="generator") -> keras.Model:
        raise NotImplementedError

    def build_discriminator(self, name="discriminator") -> keras.Model:
        raise NotImplementedError

    def latent_input(self, z):
        """What the generator's body sees of z: z itself, or [one_hot(c), z_1...] where c is
        InfoGAN's code or the self-conditioned GAN's cluster."""
        if self.hparams.self_conditioning:
            return latent_code.ClusterCode(self.hparams.self_conditioning, name=CLUSTER_CODE)(z)
        if not self.hparams.latent_categories:
            return z
        return latent_code.CategoricalCode(self.hparams.latent_categories, name="latent_code")(z)

    @property
    def discriminator_outputs(self) -> int:
        """Logits per discriminator input: one, or one per cluster when self-conditioned."""
        return self.hparams.self_conditioning or 1

    def build_code_predictor(self) -> keras.Model:
        """InfoGAN's Q network (see `bodies.code_predictor`)."""
        return bodies.code_predictor(self.image_shape, self.hparams.latent_categories)

    @property
    def generator_variables(self):
        """Q learns with the generator, on the generator's optimizer, as a separate network."""
        variables = self.generator.trainable_variables
        if self.code_predictor is not None:
            variables = variables + self.code_predictor.trainable_variables
        return variables

    def discriminator_loss(self, real_logits, fake_logits):
        loss = losses.OBJECTIVES[self.hparams.loss].discriminator
        if self.hparams.label_smoothing:
            return loss(real_logits, fake_logits, label_smoothing=self.hparams.label_smoothing)
        return loss(real_logits, fake_logits)

    def generator_loss(self, fake_logits, real_logits=None):
        """The objective's generator loss; a relativistic one also gets the real logits its
        fakes are paired with."""
        objective = losses.OBJECTIVES[self.hparams.loss]
        weights = self.generator_weights(fake_logits)
        if objective.pairs_real:
            return objective.generator(fake_logits, weights, real_logits=real_logits)
        return objective.generator(fake_logits, weights)

    def generator_weights(self, fake_logits):
        """Which fakes the generator learns from: all (None), or top-k training's mask."""
        if self.hparams.top_k == 1.0:
            return None  # without reading the optimizer's step, which may not exist yet
        return top_k.generator_weights(fake_logits, self.g_optimizer.iterations,
                                       self.hparams.top_k, self.hparams.top_k_period)

    def generate(self, z, labels=None, training=False, generator=None):
        """A conditional family's generator takes {"labels", "z"}, the others z."""
        generator = generator or self.generator
        if self.conditional:
            return generator({"labels": labels, "z": z}, training=training)
        return generator(z, training=training)

    def score(self, inputs, labels=None, training=False):
        """The discriminator on prepared (augmented, packed) inputs; a conditional family's
        takes {"images", "labels"}."""
        if self.conditional:
            return self.discriminator({"images": inputs, "labels": labels}, training=training)
        return self.discriminator(inputs, training=training)

    # ----- what every discriminator call goes through ---------------------------

    @property
    def discriminator_input_shape(self) -> tuple[int, ...]:
        """The data shape with its last axis multiplied by the packing degree."""
        return packing.packed_shape(self.image_shape, self.hparams.pack)

    def discriminate(self, images, labels=None, training=False):
        if training and self._augment_policy:
            probability = (None if self.augment_probability is None
                           else self.augment_probability.value)
            images = diffaugment.diff_augment(images, self._augment_policy, self.step_key(),
                                              probability, fill=self.hparams.augment_fill)
        return self.judge(self.pack(images), labels, training=training)

    def judge(self, inputs, labels=None, training=False):
        """The discriminator's logit for prepared inputs; self-conditioned, the output of each
        sample's own cluster (`labels` are then cluster ids)."""
        logits = self.score(inputs, labels, training=training)
        if not self.hparams.self_conditioning:
            return logits
        return self_conditioning.own_cluster_logits(logits, labels)

    def pack(self, samples):
        """PacGAN packing (`options.packing`): the discriminator then scores B / m packs."""
        return packing.pack(samples, self.hparams.pack, self.image_shape)

    # ----- training --------------------------------------------------------------

    def input_pipeline(self, data, *, global_batch_size, seed, start_step=0):
        """The tf.data pipeline `fit` trains this model on (see ganzoo.datasets.pipeline)."""
        from ganzoo.datasets.pipeline import adversarial_batches

        if self.hparams.self_conditioning:
            data = self.clustered(data, seed)
        # One more real batch per step when the generator's step reads its own (`train_step`
        # gives it the last).
        real_batches = self.hparams.d_steps + int(self.hparams.fresh_generator_batch)
        return adversarial_batches(data, global_batch_size=global_batch_size,
                                   d_steps=real_batches,
                                   latent_dim=self.hparams.latent_dim, seed=seed,
                                   start_step=start_step)

    def clustered(self, data, seed):
        """`data` labelled with its k-means clusters, which the generators then draw from."""
        layers = [g.get_layer(CLUSTER_CODE) for g in (self.generator, self.ema_generator)
                  if g is not None]
        return self_conditioning.relabelled(data, self.hparams.self_conditioning, seed, layers)

    def conditioned_noise(self, z, labels):
        """Self-conditioned training draws each fake in the cluster of the real image it is
        paired with, as a conditional GAN draws it in the real image's class."""
        if not self.hparams.self_conditioning:
            return z
        return self.generator.get_layer(CLUSTER_CODE).with_clusters(z, labels)

    def train_step(self, data):
        self.start_step_draws()
        images, labels, z = unit_range(data["images"]), data["labels"], data["z"]
        if self.hparams.self_conditioning:
            # Noise i of the k + 1 is paired with real batch i; the generator's (the last)
            # with the last discriminator step's batch, as `_generator_update` below is.
            steps = labels.shape[1]
            z = tf.stack([self.conditioned_noise(z[:, i], labels[:, min(i, steps - 1)])
                          for i in range(z.shape[1])], axis=1)
        if self.hparams.update == "simultaneous":
            self._simultaneous_update(images[:, 0], labels[:, 0], z[:, 0])
            if self.ema_generator is not None:
                self._update_ema(tf.shape(z)[0])
            return self.results()
        for i in range(self.hparams.d_steps):
            self._discriminator_update(images[:, i], labels[:, i], z[:, i])
        self._generator_update(z[:, -1], labels[:, -1], images[:, -1])
        if self.ema_generator is not None:
            self._update_ema(tf.shape(z)[0])
        return self.results()

    def _discriminator_update(self, real, labels, z):
        with tf.GradientTape() as tape:
            fake = self.generate(z, labels, training=True)
            real_logits, fake_logits, loss = self._discriminator_pass(real, labels, fake)
            scaled_loss = self.replica_share(loss)  # inside the tape, so it is differentiated
        self._apply_discriminator_step(tape, scaled_loss, loss, real_logits, fake_logits)

    def _generator_update(self, z, labels, real):
        with tf.GradientTape() as tape:
            fake = self.generate(z, labels, training=True)
            real_logits = None
            if losses.OBJECTIVES[self.hparams.loss].pairs_real:
                real_logits = self.discriminate(real, labels, training=True)
            loss = self.generator_loss(self.discriminate(fake, labels, training=True),
                                       real_logits)
            loss += self.code_penalty(z, fake)
            scaled_loss = self.replica_share(loss)
        self._apply_generator_step(tape, scaled_loss, loss)

    def _simultaneous_update(self, real, labels, z):
        with tf.GradientTape() as d_tape, tf.GradientTape() as g_tape:
            fake = self.generate(z, labels, training=True)
            real_logits, fake_logits, d_loss = self._discriminator_pass(real, labels, fake)
            g_loss = self.generator_loss(fake_logits, real_logits) + self.code_penalty(z, fake)
            scaled_d_loss, scaled_g_loss = self.replica_share(d_loss), self.replica_share(g_loss)
        # Both gradients come from the recorded forward pass, so the discriminator's
        # update below does not leak into the generator's gradient.
        self._apply_discriminator_step(d_tape, scaled_d_loss, d_loss, real_logits, fake_logits)
        self._apply_generator_step(g_tape, scaled_g_loss, g_loss)

    def _discriminator_pass(self, real, labels, fake):
        """(real logits, fake logits, discriminator loss incl. any penalty); call it inside
        the tape(s) that differentiate it. With R1 or R2 on, an inner tape records the same
        forward pass, so the penalties reuse the logits instead of running D again."""
        penalised = self.hparams.r1_gamma or self.hparams.r2_gamma
        with tf.GradientTape(persistent=True) if penalised else contextlib.nullcontext() as tape:
            if penalised:
                tape.watch([real, fake])
            real_logits = self.discriminate(real, labels, training=True)
            fake_logits = self.discriminate(fake, labels, training=True)
        loss = self.discriminator_loss(real_logits, fake_logits)
        loss += self.discriminator_penalty(real, fake, labels, real_logits)
        if penalised:
            loss += self.gradient_penalties(tape, (real, real_logits), (fake, fake_logits))
        return real_logits, fake_logits, loss

    def _apply_discriminator_step(self, tape, scaled_loss, loss, real_logits, fake_logits):
        self.descend(self.d_optimizer, tape, scaled_loss, self.discriminator_variables)
        self.after_discriminator_update()
        if self.augment_probability is not None:
            signal = adaptive_augment.adapt(
                self.augment_probability, real_logits, fake_logits,
                margin=self._margin_signal,
                target=self.hparams.augment_target,
                speed_images=self.hparams.augment_speed_images,
                ceiling=self.hparams.augment_max)
            self.track(augment_p=self.augment_probability.value, augment_signal=signal)
        self.track(d_loss=loss, real_score=tf.reduce_mean(real_logits),
                   fake_score=tf.reduce_mean(fake_logits))

    def _apply_generator_step(self, tape, scaled_loss, loss):
        grads = self.descend(self.g_optimizer, tape, scaled_loss, self.generator_variables)
        # The norm of the per-replica gradient of the *mean* loss: the number
        # that collapses towards 0 when a saturating loss stops teaching G.
        replicas = tf.distribute.get_strategy().num_replicas_in_sync
        self.track(g_loss=loss, g_grad_norm=tf.linalg.global_norm(grads) * replicas)

    def code_penalty(self, z, fake):
        """InfoGAN's weighted mutual-information penalty on the generator's side (Q's
        cross-entropy on the code each fake was drawn with), or 0 without a code."""
        if self.code_predictor is None:
            return 0.0
        codes = latent_code.latent_category(z, self.hparams.latent_categories)
        penalty = losses.mutual_information_penalty(
            codes, self.code_predictor(fake, training=True))
        self.track(code_loss=penalty)
        return self.hparams.info_weight * penalty

    def discriminator_penalty(self, real, fake, labels, real_logits):
        """A family's own extra discriminator loss (a gradient penalty, a drift term). None by
        default; R1 and R2, options of every family, are added next to it by
        `gradient_penalties`."""
        return 0.0

    def gradient_penalties(self, tape, real, fake):
        """gamma / 2 times R1 plus gamma / 2 times R2, each when its gamma is set, gamma on its
        schedule (`options.zero_centred`). `real` and `fake` are (samples, logits) pairs
        recorded on `tape`, which watched the samples."""
        hparams = self.hparams
        share = zero_centred.gamma_share(self.g_optimizer, hparams.gamma_final_share,
                                         hparams.gamma_decay_steps)
        total = 0.0
        for name, gamma, (samples, logits) in (("r1_penalty", hparams.r1_gamma, real),
                                               ("r2_penalty", hparams.r2_gamma, fake)):
            if gamma:
                value = tf.reduce_mean(losses.squared_gradient_norms(tape, logits, samples))
                self.track(**{name: value})
                total += 0.5 * gamma * share * value
        return total

    def after_discriminator_update(self):
        """Hook after each discriminator step (weight clipping, for instance)."""
        return None  # a docstring-only body is one AutoGraph cannot convert (it warns)

    def _update_ema(self, replica_batch):
        """After each generator step; `replica_batch` counts this replica's images, the
        growing half-life counts the global batch's."""
        hparams = self.hparams
        if hparams.ema_half_life_images:
            replicas = tf.distribute.get_strategy().num_replicas_in_sync
            decay = ema.growing_decay(self.g_optimizer.iterations, replica_batch * replicas,
                                      hparams.ema_half_life_images, hparams.ema_rampup)
        else:
            decay = ema.warmed_decay(self.g_optimizer.iterations, hparams.ema_decay)
        ema.update_average(self.ema_generator, self.generator, decay)

    # ----- inference -------------------------------------------------------------

    @property
    def sampling_generator(self) -> keras.Model:
        """The generator used for samples and exports: the EMA copy when there is one."""
        return self.ema_generator or self.generator

    def call(self, inputs, training=False):
        if self.conditional:
            return self.generate(inputs["z"], inputs["labels"], training=training)
        return self.generate(inputs, training=training)

    def exported_generators(self) -> list:
        return [self.sampling_generator]

    def serving_signatures(self) -> dict:
        """Named, typed SavedModel signatures (see ganzoo.serving)."""
        from ganzoo import serving

        return serving.noise_signatures(self)


def unit_range(images):
    """Real images as float32 in [-1, 1]: uint8 batches (prepared image sets) are scaled here,
    on the device, the rest are already in range."""
    if images.dtype == tf.uint8:
        return tf.cast(images, tf.float32) / 127.5 - 1.0
    return images
