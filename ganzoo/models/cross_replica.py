"""Updating variables that no optimizer owns, under any tf.distribute strategy."""

import tensorflow as tf


def update_variables(updates):
    """Apply `fn(variable, *args)` to each variable, in cross-replica context.

    Variables that the optimizers do not own (the EMA copy, clipped critic
    weights) have no aggregation rule, so under MirroredStrategy they cannot
    be assigned from a replica; `merge_call` moves the update to where every
    mirror is assigned the same value, as Keras' own optimizers do.
    """

    def apply(strategy):
        for variable, fn, args in updates:
            strategy.extended.update(variable.value, fn, args=args, group=False)

    tf.distribute.get_replica_context().merge_call(apply)
