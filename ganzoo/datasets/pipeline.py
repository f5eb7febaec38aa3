"""The tf.data pipeline that feeds `train_step`: real batches plus seeded noise.

One element is one training step (one generator update):

    images: (B, k, H, W, C)   k = discriminator steps per generator step; float32 in
                              [-1, 1], or uint8 from prepared image sets (`train_step`
                              scales them on the device, so the host moves a quarter
                              of the bytes)
    labels: (B, k)
    z:      (B, k + 1, latent_dim)   k noise batches for D, one for G

The step axis sits *after* the batch axis so `tf.distribute` splits the global
batch across replicas exactly as it splits any batch: each replica receives
(B / N, k, ...), its share of what one device would see.

Every element is a pure function of (seed, step): noise from stateless RNG,
and, for in-memory data and prepared image sets (read by index from
memory-mapped shards), the examples of step s are positions
[s*B*k, (s+1)*B*k) of an endless sequence of epochs, each epoch a stateless
permutation keyed on (seed, epoch). So two iterators (a distributed one and
a plain one, or a run and its resumption) see identical batches, and resuming
at step s costs nothing. Streamed data (TFDS) uses a fixed seeded shuffle
buffer instead, skipped to the resume step.
"""

import tensorflow as tf

from ganzoo.datasets.base import ImageData


def adversarial_batches(
    data: ImageData,
    *,
    global_batch_size: int,
    d_steps: int,
    latent_dim: int,
    seed: int,
    start_step: int = 0,
) -> tf.data.Dataset:
    steps = tf.data.Dataset.counter(start_step, dtype=tf.int64)
    per_step = global_batch_size * d_steps
    seed = tf.constant(seed, tf.int64)

    def noise(step):
        return tf.random.stateless_normal(
            (global_batch_size, d_steps + 1, latent_dim), seed=tf.stack([seed, step])
        )

    if data.arrays is not None:
        images, labels = (tf.constant(a) for a in data.arrays)
        count = tf.constant(len(data.arrays[1]), tf.int64)

        def element(step):
            index = tf.reshape(_shuffled_indices(step, per_step, count, seed),
                               (global_batch_size, d_steps))
            return {"images": tf.gather(images, index), "labels": tf.gather(labels, index),
                    "z": noise(step)}

        ds = steps.map(element, num_parallel_calls=tf.data.AUTOTUNE)
    elif data.fetch is not None:
        count = tf.constant(data.num_examples, tf.int64)
        shape = (global_batch_size, d_steps, *data.image_shape)

        def element(step):  # uint8 images: a quarter of the bytes; train_step scales them
            index = _shuffled_indices(step, per_step, count, seed)
            images, labels = tf.numpy_function(data.fetch, [index], (tf.uint8, tf.int32),
                                               stateful=False)
            return {"images": tf.reshape(images, shape), "labels": tf.reshape(labels, shape[:2]),
                    "z": noise(step)}

        ds = steps.map(element, num_parallel_calls=tf.data.AUTOTUNE)
    else:
        real = (
            data.as_tf_dataset()
            .shuffle(10_000, seed=seed, reshuffle_each_iteration=False)
            .repeat()
            .batch(d_steps, drop_remainder=True)
            .batch(global_batch_size, drop_remainder=True)
            .skip(start_step)
        )
        ds = tf.data.Dataset.zip(real, steps.map(noise)).map(
            lambda real, z: {"images": real[0], "labels": real[1], "z": z}
        )
    return _finish(ds)


def translation_batches(pairs, *, global_batch_size: int, seed: int, start_step: int = 0,
                        jitter: bool = True) -> tf.data.Dataset:
    """Batches {"a": (B, H, W, C), "b": (B, H, W, C)} for image-to-image training.

    Paired data (pix2pix) draws the same example index, and the same jitter,
    for both domains. Unpaired data (CycleGAN) draws each domain from its own
    permutation, so a[i] and b[i] are unrelated, as on real unpaired sets.
    Jitter (Isola et al. 2017): resize up by 1/8, random crop back, random
    mirror; stateless, so it too is a function of (seed, step).
    """
    seed = tf.constant(seed, tf.int64)
    counts = [tf.constant(len(x), tf.int64) for x in (pairs.a, pairs.b)]
    domains = [tf.constant(x) for x in (pairs.a, pairs.b)]
    height, width, channels = pairs.image_shape

    def jittered(images, key):
        if not jitter:
            return images
        bigger = tf.image.resize(images, (height + height // 8, width + width // 8),
                                 method="nearest")
        crop_key, flip_key = tf.unstack(tf.random.experimental.stateless_split(key, 2))
        images = tf.image.stateless_random_crop(
            bigger, (global_batch_size, height, width, channels), seed=crop_key)
        flip = tf.random.stateless_uniform((global_batch_size, 1, 1, 1), seed=flip_key) < 0.5
        return tf.where(flip, tf.reverse(images, axis=[2]), images)

    def element(step):
        a_index = _shuffled_indices(step, global_batch_size, counts[0], seed)
        b_index = a_index if pairs.paired else _shuffled_indices(
            step, global_batch_size, counts[1], seed + 7919)  # another permutation
        a_key = tf.stack([seed, step])
        b_key = a_key if pairs.paired else tf.stack([seed + 7919, step])
        return {"a": jittered(tf.gather(domains[0], a_index), a_key),
                "b": jittered(tf.gather(domains[1], b_index), b_key)}

    return _finish(tf.data.Dataset.counter(start_step, dtype=tf.int64).map(
        element, num_parallel_calls=tf.data.AUTOTUNE))


PREFETCH_STEPS = 2


def _finish(ds):
    """Deterministic, sharded by data, two steps prefetched, and tf.data's autotuner off.

    With the autotuner on, `fit` stalled for about 2.4 s after its last step in about half
    of its calls, while the input iterator was torn down (measured here with a callback at
    `on_train_end`; the cause is inside tf.data, and with the autotuner off it is gone).
    Every short `fit` paid it: evaluation chunks, benchmark windows. Steps were no faster
    with the autotuner. Parallel maps then run at tf.data's fixed default parallelism.
    """
    options = tf.data.Options()
    options.deterministic = True
    options.autotune.enabled = False
    options.experimental_distribute.auto_shard_policy = tf.data.experimental.AutoShardPolicy.DATA
    return ds.with_options(options).prefetch(PREFETCH_STEPS)


def _shuffled_indices(step, per_step, count, seed):
    """Example indices of step `step`: positions [step*per_step, (step+1)*per_step) of an
    endless sequence of epochs, each a fresh stateless permutation of `count` examples."""
    position = step * per_step + tf.range(per_step, dtype=tf.int64)
    return _permute(position % count, position // count, seed, count)


def _permute(offset, epoch, seed, count):
    """Position `offset` of epoch `epoch` -> example index, a fresh permutation per epoch.

    A batch may straddle two epochs, so the permutation is evaluated per
    position with that position's epoch (at most two distinct epochs).
    """
    first = epoch[0]

    def shuffle(e):
        key = tf.stack([seed, e])
        return tf.random.experimental.index_shuffle(offset, key, count - 1)

    return tf.where(epoch == first, shuffle(first), shuffle(first + 1))
