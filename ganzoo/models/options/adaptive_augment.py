"""StyleGAN2-ADA's adaptive augmentation probability (Karras et al. 2020) over DiffAugment's
transforms (`model.augment_target`, 0 disables it).

Each transform of `model.augment` is applied to an image with probability p. p starts at 0
and moves after every discriminator step by sign(r_t - target) x batch / `augment_speed_images`,
where r_t = E[sign(D(real))] is the overfitting heuristic: a discriminator that has memorised
the training images scores nearly all of them positive. The relativistic loss is blind to a
shift of every logit, so under it the sign can be taken of the pair's margin D(real) - D(fake),
the quantity R3GAN's reference logs as its real signs (`model.augment_signal`). Early in
training the margin only says that D is ahead, and on r3gan_twemoji it drove p to 1; ADA's
own r_t on D(real) alone is the other choice. `model.augment_max` caps p.

p is a variable of the model, so checkpoints carry it and a resumed run continues it. r_t is
averaged over the global batch, so every replica moves p alike.
"""

import tensorflow as tf

from ganzoo.models.cross_replica import update_variables


def overfitting_signal(real_logits, fake_logits, margin: bool):
    """r_t over the global batch: the mean sign of the real logits, or of the pairs' margins."""
    scores = tf.cast(real_logits, tf.float32)
    if margin:
        scores = scores - tf.cast(fake_logits, tf.float32)
    signs = tf.reduce_mean(tf.sign(scores))
    context = tf.distribute.get_replica_context()
    if context is not None and context.num_replicas_in_sync > 1:
        signs = context.all_reduce("mean", signs)
    return signs


def next_probability(probability, signal, target: float, global_batch, speed_images: int,
                     ceiling: float = 1.0):
    """p one step on: up when the discriminator is sure of the reals, down when it is not,
    by at most 1 over `speed_images` images, clipped to [0, ceiling]."""
    step = tf.cast(global_batch, tf.float32) / float(speed_images)
    return tf.clip_by_value(probability + tf.sign(signal - target) * step, 0.0, ceiling)


def adapt(probability_variable, real_logits, fake_logits, *, margin, target, speed_images,
          ceiling=1.0):
    """Move the model's p after a discriminator step; returns r_t for the logs. The batch
    is counted in scored inputs: packs, under PacGAN."""
    signal = overfitting_signal(real_logits, fake_logits, margin)
    context = tf.distribute.get_replica_context()
    replicas = context.num_replicas_in_sync if context is not None else 1
    global_batch = tf.shape(real_logits)[0] * replicas
    value = next_probability(probability_variable.value, signal, target, global_batch,
                             speed_images, ceiling)
    update_variables([(probability_variable, lambda v, new: v.assign(new), (value,))])
    return signal
