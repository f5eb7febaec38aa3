"""The image history buffer of Shrivastava et al. 2017, used by CycleGAN's discriminators.

Zhu et al. 2017 (section 4): "we update the discriminators using a history of
generated images rather than the ones produced by the latest generators. We
keep an image buffer that stores the 50 previously created images." Each
query returns, image by image: the new image while the buffer fills; after
that, with probability 1/2 a random stored image (which the new one then
replaces), otherwise the new image. This damps the oscillation between a
discriminator and a generator that chase each other's latest move.

The buffer is model state (non-trainable weights), so it is saved in every
checkpoint, and its random choices are stateless, keyed by the caller's `seed` (a train
step's `step_key`), so a resumed run continues with the same history and the same choices. Under
`MirroredStrategy` each replica's update is kept from the first replica
(`aggregation="only_first_replica"`).
"""

import keras
import tensorflow as tf


@keras.saving.register_keras_serializable(package="ganzoo")
class ImageHistory(keras.layers.Layer):
    def __init__(self, size=50, image_shape=(64, 64, 3), **kwargs):
        super().__init__(**kwargs)
        if size < 0:
            raise ValueError(f"history size must be >= 0, got {size}")
        self.size = int(size)
        self.image_shape = tuple(int(d) for d in image_shape)
        self.pool = self.add_weight(shape=(max(self.size, 1), *self.image_shape),
                                    initializer="zeros", trainable=False,
                                    aggregation="only_first_replica", name="pool")
        self.count = self.add_weight(shape=(), initializer="zeros", dtype="int32",
                                     trainable=False, aggregation="only_first_replica",
                                     name="count")
        # Its weights exist now; unbuilt, it would make Keras trace the whole CycleGAN on
        # the training batches before a distributed `fit`.
        self.built = True

    def call(self, images, seed):
        """Images for the discriminator: a mix of `images` and earlier ones, same shape; the
        random choices are drawn from `seed`.

        Vectorised over the batch (a Python loop of per-image updates took
        seconds per step under XLA): images that still fit go to the next free
        slots; once the pool is full each image swaps, with probability 1/2,
        with its own distinct random slot. In the one step where the pool
        becomes full, the images that do not fit pass through unswapped.
        """
        if self.size == 0:
            return images
        batch = images.shape[0]
        if batch is None or batch > self.size:
            raise ValueError(f"ImageHistory needs a static batch size <= {self.size}")
        images = tf.cast(images, self.pool.dtype)
        pool = tf.convert_to_tensor(self.pool)
        count = tf.convert_to_tensor(self.count)
        position = count + tf.range(batch)
        filling = position < self.size
        slot_seed, swap_seed = tf.unstack(tf.random.experimental.stateless_split(seed, 2))
        random_slots = tf.argsort(  # distinct: the first entries of a random permutation
            tf.random.stateless_uniform((self.size,), slot_seed))[:batch]
        swap = tf.logical_and(count >= self.size,
                              tf.random.stateless_uniform((batch,), swap_seed) < 0.5)
        slot = tf.where(filling, position, random_slots)
        stored = tf.gather(pool, slot)
        outputs = tf.where(swap[:, None, None, None], stored, images)
        written = tf.cast(tf.logical_or(filling, swap), pool.dtype)
        # (batch, size) one-hot of the slots written; written slots are distinct
        hits = tf.one_hot(slot, self.size, dtype=pool.dtype) * written[:, None]
        flat = tf.reshape(images, (batch, -1))
        kept = tf.reshape(pool, (self.size, -1)) * (1.0 - tf.reduce_sum(hits, 0))[:, None]
        self.pool.assign(tf.reshape(kept + tf.matmul(hits, flat, transpose_a=True),
                                    tf.shape(pool)))
        self.count.assign(tf.minimum(count + batch, self.size))
        return outputs

    def get_config(self):
        return {**super().get_config(), "size": self.size, "image_shape": list(self.image_shape)}
