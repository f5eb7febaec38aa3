"""An exponential moving average of the generator's weights (Yazici et al. 2019), updated
after every generator step and used for sampling and export (`model.ema_decay`, 0 disables)."""

import tensorflow as tf

from ganzoo.models.cross_replica import update_variables


def warmed_decay(step, decay: float):
    """The decay at a generator step. As in TF's ExponentialMovingAverage with num_updates:
    early on, the average would otherwise be mostly the random initial weights."""
    step = tf.cast(step, tf.float32)
    return tf.minimum(decay, (1.0 + step) / (10.0 + step))


def growing_decay(step, batch_size, half_life_images: float, rampup: float):
    """StyleGAN2-ADA's EMA: a half-life of `half_life_images`, but at most `rampup` x the images
    seen so far, so that early in a run (and in a short run) the average is not held back
    toward the first weights. beta = 0.5 ** (batch / half-life)."""
    seen = tf.cast(step, tf.float32) * tf.cast(batch_size, tf.float32)
    half_life = tf.minimum(float(half_life_images), rampup * seen) if rampup else float(
        half_life_images)
    return tf.pow(0.5, tf.cast(batch_size, tf.float32) / tf.maximum(half_life, 1e-8))


def update_average(average, live, decay) -> None:
    """Move `average`'s trainable weights toward `live`'s by (1 - decay); its batch-norm
    statistics follow `live` as they are."""
    updates = []
    for kept, weight in zip(average.weights, live.weights):
        if weight.trainable:
            fn = lambda e, w: e.assign(decay * e + (1.0 - decay) * w)  # noqa: E731
        else:
            fn = lambda e, w: e.assign(w)  # noqa: E731
        updates.append((kept, fn, (weight.value,)))
    update_variables(updates)
