"""Random draws inside a train step that a resumed run, and N replicas, repeat exactly.

A stateful draw (`tf.random.uniform`) restarts its sequence when the process restarts, so a
run resumed after a kill would replay the draws of its first steps instead of going on, and
under XLA it ignores its seed altogether (TensorFlow warns). The draws a train step makes
(DiffAugment's shifts, WGAN-GP's interpolates, CycleGAN's history slots) are therefore
stateless, each keyed on the optimizers' step counters, which checkpoints hold, and on which
draw of the step it is (`TwoPlayerModel.step_key`). The draws are numbered while the step is
traced, per thread: `MirroredStrategy` traces each replica's step in a thread of its own, and
every replica must number its draws alike.

Per-example draws are made for the global batch from the same key on every replica, and each
replica keeps its own slice, which is how `tf.distribute` split the batch: N replicas draw
what one device draws. A draw of the local size would repeat one set on every replica.
"""

import threading

import tensorflow as tf

_traced = threading.local()  # .draws: the draws numbered so far in the step traced here


def begin_step() -> None:
    """Number the draws of the train step about to be traced from 1."""
    _traced.draws = 0


def next_seed(generator_steps, discriminator_steps) -> tf.Tensor:
    """The seed of the next draw of the step being traced."""
    _traced.draws = getattr(_traced, "draws", 0) + 1
    return key(generator_steps, discriminator_steps, _traced.draws)


def key(generator_steps, discriminator_steps, salt: int) -> tf.Tensor:
    """A stateless seed (shape (2,), int64) for draw number `salt` of the step the two
    optimizers' counters are at."""
    counters = tf.stack([tf.cast(tf.convert_to_tensor(generator_steps), tf.int64),
                         tf.cast(tf.convert_to_tensor(discriminator_steps), tf.int64)])
    return tf.random.experimental.stateless_fold_in(counters, salt)


def split(seed, part: int) -> tf.Tensor:
    """An independent seed for part `part` of one draw (a transform's own values)."""
    return tf.random.experimental.stateless_fold_in(seed, part)


def per_example_uniform(examples, seed, minval=0, maxval=None, dtype=tf.float32, rank=None):
    """One uniform value per example of `examples` (axis 0: this replica's share of the batch),
    shaped (n, 1, ..., 1) of `rank` (by default that of `examples`) to broadcast over it: this
    replica's slice of one draw for the global batch."""
    context = tf.distribute.get_replica_context()
    replicas = context.num_replicas_in_sync if context else 1
    replica = tf.cast(context.replica_id_in_sync_group if context else 0, tf.int32)
    local = tf.shape(examples)[0]
    ones = tf.ones([(examples.shape.rank if rank is None else rank) - 1], tf.int32)
    draws = tf.random.stateless_uniform(tf.concat([[local * replicas], ones], axis=0),
                                        seed=seed, minval=minval, maxval=maxval, dtype=dtype)
    return tf.slice(draws, tf.concat([[replica * local], tf.zeros_like(ones)], axis=0),
                    tf.concat([[local], ones], axis=0))
