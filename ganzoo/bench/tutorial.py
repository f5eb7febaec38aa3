"""The TensorFlow DCGAN tutorial (tensorflow.org/tutorials/generative/dcgan), as the baseline.

Its networks, losses, optimizers, batch size and its own training loop (one
`tf.function` step that updates both networks from one forward pass) are
restated here so that the benchmark runs both sides in one process on the same
data. `TutorialNetworksGAN` is the same two networks as a ganzoo model, trained
through `model.fit` with `model.update = "simultaneous"`: the same algorithm,
so images per second compare the training machinery and nothing else.
"""

import time

import keras
import numpy as np
import tensorflow as tf
from keras import layers

from ganzoo.models.base import AdversarialModel
from ganzoo.models.hyperparameters import AdversarialHyperparameters

NOISE_DIM = 100
BATCH_SIZE = 256
LEARNING_RATE = 1e-4


def make_generator_model(name="generator") -> keras.Model:
    z = keras.Input((NOISE_DIM,), name="z")
    x = layers.Dense(7 * 7 * 256, use_bias=False)(z)
    x = layers.LeakyReLU()(layers.BatchNormalization()(x))
    x = layers.Reshape((7, 7, 256))(x)
    for filters, strides in ((128, 1), (64, 2)):
        x = layers.Conv2DTranspose(filters, 5, strides=strides, padding="same", use_bias=False)(x)
        x = layers.LeakyReLU()(layers.BatchNormalization()(x))
    images = layers.Conv2DTranspose(1, 5, strides=2, padding="same", use_bias=False,
                                    activation="tanh")(x)
    return keras.Model(z, images, name=name)


def make_discriminator_model(name="discriminator") -> keras.Model:
    images = keras.Input((28, 28, 1), name="images")
    x = images
    for filters in (64, 128):
        x = layers.Conv2D(filters, 5, strides=2, padding="same")(x)
        x = layers.Dropout(0.3)(layers.LeakyReLU()(x))
    return keras.Model(images, layers.Dense(1)(layers.Flatten()(x)), name=name)


class TutorialNetworksGAN(AdversarialModel):
    """The tutorial's two networks inside ganzoo's model (not a zoo family)."""

    def build_generator(self, name="generator"):
        return make_generator_model(name)

    def build_discriminator(self, name="discriminator"):
        return make_discriminator_model(name)


def ganzoo_model(jit_compile: bool, precision: str = "float32") -> TutorialNetworksGAN:
    from ganzoo.training.runner import dtype_policy

    hparams = AdversarialHyperparameters(latent_dim=NOISE_DIM, ema_decay=0.0,
                                         update="simultaneous")
    with dtype_policy(precision):
        model = TutorialNetworksGAN(hparams, (28, 28, 1), num_classes=10)
    model.compile(d_optimizer=keras.optimizers.Adam(LEARNING_RATE),
                  g_optimizer=keras.optimizers.Adam(LEARNING_RATE), jit_compile=jit_compile)
    return model


class TutorialLoop:
    """The tutorial's training code, as written there (BinaryCrossentropy from logits,
    Adam(1e-4) for both networks, shuffled batches of 256, no XLA)."""

    def __init__(self, train_images: np.ndarray, seed: int = 0):
        keras.utils.set_random_seed(seed)
        self.generator = make_generator_model()
        self.discriminator = make_discriminator_model()
        self.cross_entropy = keras.losses.BinaryCrossentropy(from_logits=True)
        self.generator_optimizer = keras.optimizers.Adam(LEARNING_RATE)
        self.discriminator_optimizer = keras.optimizers.Adam(LEARNING_RATE)
        images = (train_images.astype("float32") - 127.5) / 127.5
        self.dataset = (tf.data.Dataset.from_tensor_slices(images)
                        .shuffle(60_000, seed=seed).batch(BATCH_SIZE))
        self.train_step = tf.function(self._train_step)
        self.steps = 0

    def _train_step(self, images):
        noise = tf.random.normal([BATCH_SIZE, NOISE_DIM])
        with tf.GradientTape() as gen_tape, tf.GradientTape() as disc_tape:
            generated_images = self.generator(noise, training=True)
            real_output = self.discriminator(images, training=True)
            fake_output = self.discriminator(generated_images, training=True)
            gen_loss = self.cross_entropy(tf.ones_like(fake_output), fake_output)
            disc_loss = (self.cross_entropy(tf.ones_like(real_output), real_output)
                         + self.cross_entropy(tf.zeros_like(fake_output), fake_output))
        gradients_of_generator = gen_tape.gradient(gen_loss, self.generator.trainable_variables)
        gradients_of_discriminator = disc_tape.gradient(
            disc_loss, self.discriminator.trainable_variables)
        self.generator_optimizer.apply_gradients(
            zip(gradients_of_generator, self.generator.trainable_variables))
        self.discriminator_optimizer.apply_gradients(
            zip(gradients_of_discriminator, self.discriminator.trainable_variables))

    def train_for(self, steps: int) -> tuple[float, int]:
        """Run `steps` steps over repeated epochs; return (seconds, real images seen)."""
        seen = 0
        start = time.perf_counter()
        while True:
            for image_batch in self.dataset:
                if steps == 0:
                    return time.perf_counter() - start, seen
                self.train_step(image_batch)
                seen += int(image_batch.shape[0])
                self.steps += 1
                steps -= 1

    def sample(self, n: int, seed: int) -> np.ndarray:
        z = tf.random.stateless_normal((n, NOISE_DIM), seed=(seed, 0))
        return np.asarray(self.generator(z, training=False))
