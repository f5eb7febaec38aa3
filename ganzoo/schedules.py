"""Values that move with the step count, as pure functions of it: a checkpoint holds the
optimizers' step counters, so a resumed run continues every schedule where it was."""

import math

import tensorflow as tf


def cosine(step, decay_steps: int, start: float, end: float):
    """`start` moving to `end` along half a cosine over `decay_steps`, then held: R3GAN's
    `cosine_decay_with_warmup` without the warm-up (brownvc/R3GAN, training_loop.py)."""
    progress = tf.minimum(tf.cast(step, tf.float32) / float(decay_steps), 1.0)
    return end + (start - end) * 0.5 * (1.0 + tf.cos(math.pi * progress))
