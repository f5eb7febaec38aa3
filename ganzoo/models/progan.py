"""ProGAN: progressive growing of GANs (Karras et al. 2018).

Training starts at 4x4 and doubles the resolution level by level. A new level
fades in smoothly: its output is blended with the upsampled output of the
level below by alpha, which rises linearly from 0 to 1 over `phase_steps`
steps; then the level is trained stable for another `phase_steps`. With L
levels that is (2L - 1) phases; after them training continues at full size.
Real images are faded the same way (section A.1), so the discriminator never
sees more detail than the generator can make.

How growing fits `model.fit` and XLA: the networks are built once at full
size, and every level's output (generator) or entry point (discriminator) is
weighted by a per-level coefficient computed from (level, alpha). Levels that
are not yet active get weight 0, so they neither affect the output nor learn
(their gradient is exactly 0). The graph never changes shape, so one compiled
step serves the whole schedule, a checkpoint is just variables, and a resumed
run continues mid-fade. `level` and `alpha` are model variables, set from the
step counter at the start of every step, so they are saved in every
checkpoint and exported file. The price: layers of inactive levels are still
computed (at 32x32 the full network is small).

Loss: WGAN-GP (lambda = 10) plus the drift term epsilon * E[D(x)^2] with
epsilon = 0.001 (section A.1), one critic step per generator step, Adam(1e-3,
beta_1 = 0, beta_2 = 0.99). Layers: equalized learning rate everywhere, pixel
norm after every generator convolution, minibatch stddev before the critic's
last block (`ganzoo.nn.progan_layers`).
"""

from dataclasses import dataclass

import keras
import numpy as np
import tensorflow as tf
from keras import layers

from ganzoo.models.base import AdversarialModel, unit_range
from ganzoo.models.hyperparameters import AdversarialHyperparameters, Objective
from ganzoo.models.wgangp import gradient_penalty
from ganzoo.nn import blocks
from ganzoo.nn.progan_layers import (
    EqualizedConv2D,
    EqualizedDense,
    LevelWeight,
    MinibatchStddev,
    PixelNorm,
)
from ganzoo.registry import register_family
from ganzoo.schema import ConfigError

START_SIZE = 4


@dataclass(frozen=True)
class ProGANHyperparameters(AdversarialHyperparameters):
    latent_dim: int = 128
    loss: Objective = "wasserstein"
    filters: tuple[int, ...] = (128, 128, 64, 32)  # per level: 4x4, 8x8, 16x16, 32x32
    phase_steps: int = 1000  # steps per fade-in and per stabilization phase
    gp_weight: float = 10.0
    drift_weight: float = 0.001

    def __post_init__(self):
        super().__post_init__()
        if not self.filters or any(f <= 0 for f in self.filters):
            raise ConfigError(f"model.filters must be positive widths, got {self.filters}")
        if self.phase_steps <= 0:
            raise ConfigError(f"model.phase_steps must be positive, got {self.phase_steps}")

    @property
    def levels(self) -> int:
        return len(self.filters)


def level_and_alpha(step, levels: int, phase_steps: int):
    """(level, alpha) at `step`: phase 0 trains 4x4; odd phases fade a level in, even ones
    stabilize it. Works on Python numbers and on tensors alike."""
    step = tf.cast(step, tf.float32)
    phase = tf.floor(step / phase_steps)
    level = tf.minimum(tf.floor((phase + 1.0) / 2.0), levels - 1.0)
    fading = tf.logical_and(tf.equal(tf.math.floormod(phase, 2.0), 1.0), phase < 2 * levels - 1)
    alpha = tf.where(fading, (step - phase * phase_steps) / phase_steps, 1.0)
    return level, alpha


def blend_weights(level, alpha, levels: int):
    """Per-level output weights: alpha for `level`, 1 - alpha for the one below, 0 else."""
    index = tf.range(levels, dtype=tf.float32)
    current = tf.cast(tf.equal(index, level), tf.float32)
    below = tf.cast(tf.equal(index, level - 1.0), tf.float32)
    at_start = tf.cast(tf.equal(level, 0.0), tf.float32)
    return current * (alpha + at_start * (1.0 - alpha)) + below * (1.0 - alpha)


def critic_weights(level, alpha, levels: int):
    """(entry, gate) weights of the critic: images enter at `level` (weight 1) and at the
    level below (1 - alpha); block l runs with gate 1 below `level`, alpha at it, 0 above."""
    index = tf.range(levels, dtype=tf.float32)
    entry = (tf.cast(tf.equal(index, level), tf.float32)
             + tf.cast(tf.equal(index, level - 1.0), tf.float32) * (1.0 - alpha))
    gate = tf.where(index < level, 1.0, tf.where(tf.equal(index, level), alpha, 0.0))
    return entry, gate


@register_family("progan")
class ProGAN(AdversarialModel):
    Hyperparameters = ProGANHyperparameters
    reference_entry = "progan_mnist"
    test_sizes = {"latent_dim": 8}
    replica_settings = {"phase_steps": 1}  # minibatch stddev in groups; the fade-in moves

    @classmethod
    def test_overrides(cls, levels: int = 2) -> dict:
        return {**super().test_overrides(), "model.filters": [4] * levels}
    grows_with_step = True

    def __init__(self, hparams, image_shape, num_classes=None, **kwargs):
        super().__init__(hparams, image_shape, num_classes, **kwargs)
        self.level = keras.Variable(0.0, trainable=False, name="level",
                                    aggregation="only_first_replica")
        self.alpha = keras.Variable(1.0, trainable=False, name="alpha",
                                    aggregation="only_first_replica")

    # ----- networks -------------------------------------------------------------

    def _check_size(self):
        h = self.hparams
        size = START_SIZE * 2 ** (h.levels - 1)
        if self.image_shape[:2] != (size, size):
            raise ConfigError(
                f"model.filters has {h.levels} levels, which grow 4x4 to {size}x{size}, but the "
                f"data is {self.image_shape[0]}x{self.image_shape[1]} (set data.image_size or "
                f"data.padding, or one width per level)")

    def build_generator(self, name="generator"):
        self._check_size()
        h = self.hparams
        z = keras.Input((h.latent_dim,), name="z")
        blend = keras.Input((h.levels,), name="blend")
        x = PixelNorm(name="z_norm")(self.latent_input(z))
        x = EqualizedDense(START_SIZE * START_SIZE * h.filters[0], gain=np.sqrt(2) / 4,
                           name="g0_dense")(x)
        x = layers.Reshape((START_SIZE, START_SIZE, h.filters[0]), name="g0_seed")(x)
        x = PixelNorm(name="g0_norm_a")(blocks.leaky_relu("g0_act_a")(x))
        x = self._g_conv(x, h.filters[0], "g0_conv")
        full = self.image_shape[0]
        images = []
        for level, width in enumerate(h.filters):
            if level:
                x = layers.UpSampling2D(2, interpolation="nearest", name=f"g{level}_up")(x)
                x = self._g_conv(x, width, f"g{level}_conv_a")
                x = self._g_conv(x, width, f"g{level}_conv_b")
            rgb = EqualizedConv2D(self.image_shape[2], 1, gain=1.0, name=f"to_rgb{level}")(x)
            size = START_SIZE * 2**level
            if size < full:
                rgb = layers.UpSampling2D(full // size, interpolation="nearest",
                                          name=f"to_rgb{level}_up")(rgb)
            images.append(LevelWeight(level, name=f"blend{level}")(rgb, blend))
        out = layers.Add(name="faded")(images) if len(images) > 1 else images[0]
        out = layers.Activation("hard_tanh", name="images", dtype="float32")(out)
        return keras.Model({"blend": blend, "z": z}, out, name=name)

    @staticmethod
    def _g_conv(x, width, name):
        x = EqualizedConv2D(width, 3, name=name)(x)
        return PixelNorm(name=f"{name}_norm")(blocks.leaky_relu(f"{name}_act")(x))

    def build_discriminator(self, name="discriminator"):
        h = self.hparams
        images = keras.Input(self.discriminator_input_shape, name="images")
        entry = keras.Input((h.levels,), name="entry")
        gate = keras.Input((h.levels,), name="gate")
        full = self.image_shape[0]
        features = None
        for level in reversed(range(h.levels)):
            size = START_SIZE * 2**level
            x = images
            if size < full:
                x = layers.AveragePooling2D(full // size, name=f"d{level}_pool")(x)
            x = EqualizedConv2D(h.filters[level], 1, name=f"from_rgb{level}")(x)
            x = LevelWeight(level, name=f"entry{level}")(
                blocks.leaky_relu(f"from_rgb{level}_act")(x), entry)
            if features is not None:
                x = layers.Add(name=f"d{level}_merge")([features, x])
            if level == 0:
                features = x
                break
            y = blocks.leaky_relu(f"d{level}_act_a")(
                EqualizedConv2D(h.filters[level], 3, name=f"d{level}_conv_a")(x))
            y = blocks.leaky_relu(f"d{level}_act_b")(
                EqualizedConv2D(h.filters[level - 1], 3, name=f"d{level}_conv_b")(y))
            y = layers.AveragePooling2D(2, name=f"d{level}_down")(y)
            features = LevelWeight(level, name=f"gate{level}")(y, gate)
        x = MinibatchStddev(name="minibatch_stddev")(features)
        x = blocks.leaky_relu("d0_act_a")(EqualizedConv2D(h.filters[0], 3, name="d0_conv")(x))
        x = layers.Flatten(name="flatten")(x)
        x = blocks.leaky_relu("d0_act_b")(EqualizedDense(h.filters[0], name="d0_dense")(x))
        logits = EqualizedDense(self.discriminator_outputs, gain=1.0, name="logits",
                                dtype="float32")(x)
        return keras.Model({"entry": entry, "gate": gate, "images": images}, logits, name=name)

    # ----- the schedule -----------------------------------------------------------

    def set_schedule(self, step):
        level, alpha = level_and_alpha(step, self.hparams.levels, self.hparams.phase_steps)
        self.level.assign(level)
        self.alpha.assign(alpha)

    def _schedule(self):
        return tf.convert_to_tensor(self.level), tf.convert_to_tensor(self.alpha)

    def _batch_weights(self, batch, weights):
        return tf.tile(weights[None], [batch, 1])

    def generate(self, z, labels=None, training=False, generator=None):
        blend = blend_weights(*self._schedule(), self.hparams.levels)
        return (generator or self.generator)(
            {"blend": self._batch_weights(tf.shape(z)[0], blend), "z": z}, training=training)

    def score(self, inputs, labels=None, training=False):
        entry, gate = critic_weights(*self._schedule(), self.hparams.levels)
        batch = tf.shape(inputs)[0]
        return self.discriminator({"entry": self._batch_weights(batch, entry),
                                   "gate": self._batch_weights(batch, gate),
                                   "images": inputs}, training=training)

    def faded_real(self, images):
        """Real images at the current level's resolution, faded like the generator's output."""
        blend = blend_weights(*self._schedule(), self.hparams.levels)
        full = self.image_shape[0]
        out = 0.0
        for level in range(self.hparams.levels):
            factor = full // (START_SIZE * 2**level)
            x = images
            if factor > 1:
                x = tf.nn.avg_pool2d(images, factor, factor, "VALID")
                x = tf.repeat(tf.repeat(x, factor, axis=1), factor, axis=2)
            out += blend[level] * x
        return out

    # ----- training ---------------------------------------------------------------

    def train_step(self, data):
        self.set_schedule(self.g_optimizer.iterations)
        images = unit_range(data["images"])
        shape = tf.shape(images)
        flat = tf.reshape(images, tf.concat([[-1], shape[2:]], axis=0))
        faded = tf.reshape(self.faded_real(flat), shape)
        return super().train_step({**data, "images": faded})

    def discriminator_penalty(self, real, fake, labels, real_logits):
        drift = tf.reduce_mean(tf.square(real_logits))
        return (self.hparams.gp_weight * gradient_penalty(self, real, fake, labels)
                + self.hparams.drift_weight * drift)

    # ----- export -------------------------------------------------------------------

    def serving_signatures(self) -> dict:
        """The noise signatures, drawn at the level reached in training (a constant blend)."""
        from ganzoo import serving

        generator = self.sampling_generator
        blend = tf.constant(blend_weights(*self._schedule(), self.hparams.levels).numpy())

        def synthesize(z):
            weights = tf.tile(blend[None], [tf.shape(z)[0], 1])
            return generator({"blend": weights, "z": z}, training=False)

        return serving.noise_signatures(self, synthesize)
