"""An exponential moving average of the generator's weights (Yazici et al. 2019), updated
after every generator step and used for sampling and export (`model.ema_decay`, 0 disables)."""

import tensorflow as tf

from ganzoo.models.cross_replica import update_variables


def warmed_decay(step, decay: float):
    """The decay at a generator step. As in TF's ExponentialMovingAverage with num_updates:
    early on, the average would otherwise be mostly the random initial weights."""
    step = tf.cast(step, tf.float32)
    return tf.minimum(decay, (1.0 + step) / (10.0 + step))


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
