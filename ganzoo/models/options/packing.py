"""PacGAN (Lin et al. 2018): the discriminator judges m samples at once, concatenated on the
last axis, which penalizes a generator whose samples look alike (`model.pack = m`)."""

import tensorflow as tf


def packed_shape(sample_shape: tuple[int, ...], m: int) -> tuple[int, ...]:
    """The discriminator's input shape: the sample shape with its last axis times m."""
    *rest, last = sample_shape
    return (*rest, last * m)


def pack(samples, m: int, sample_shape: tuple[int, ...]):
    """(B, *S) -> (B / m, *S[:-1], m * S[-1]): m consecutive samples become one input."""
    if m == 1:
        return samples
    rank = len(sample_shape) + 1
    shape = tf.shape(samples)
    grouped = tf.reshape(samples, tf.concat([[-1, m], shape[1:]], axis=0))
    grouped = tf.transpose(grouped, [0, *range(2, rank), 1, rank])
    return tf.reshape(grouped, (-1, *packed_shape(sample_shape, m)))
