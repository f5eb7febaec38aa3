"""Which `tf.distribute` strategy a run uses."""

import tensorflow as tf
from absl import logging


def default_strategy() -> tf.distribute.Strategy:
    """MirroredStrategy over all local GPUs; the plain default strategy on one device.

    With a single device, MirroredStrategy computes the same thing as the
    default strategy but took 1.1x to 2x as long per step on our 2-core CPU
    (`python -m ganzoo.bench`, README "Speed"), so it is used only when there
    is something to mirror over.
    """
    gpus = tf.config.list_logical_devices("GPU")
    if len(gpus) > 1:
        strategy = tf.distribute.MirroredStrategy([d.name for d in gpus])
    else:
        strategy = tf.distribute.get_strategy()
    logging.info("Strategy: %s with %d replica(s)", type(strategy).__name__,
                 strategy.num_replicas_in_sync)
    return strategy
