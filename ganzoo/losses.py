"""Adversarial losses as pure functions, named and defined as in TF-GAN.

Every function takes discriminator *logits* and returns a scalar: the mean over
the examples it was given. Means are per replica; the caller (the adversarial
base model) is the one place that rescales them for `tf.distribute`, so none of
these functions needs to know how many replicas exist.

Formulas, with D(x) = sigmoid(logit):
- minimax (Goodfellow et al. 2014, eq. 1):
  L_D = -E[log D(x)] - E[log(1 - D(G(z)))]
  L_G =  E[log(1 - D(G(z)))]                    (saturates when D wins)
- modified / non-saturating (same paper, section 3):
  L_G = -E[log D(G(z))]
"""

import tensorflow as tf


def _softplus(x):
    return tf.nn.softplus(tf.cast(x, tf.float32))


def minimax_discriminator_loss(real_logits, fake_logits, label_smoothing=0.0):
    """Binary cross-entropy of D on real (target 1) and fake (target 0) samples.

    `label_smoothing` is one-sided, as in TF-GAN and Salimans et al. 2016: the
    real target becomes 1 - label_smoothing, fakes keep target 0. TF-GAN's own
    default is 0.25; ours is 0 so the formula in the module docstring holds
    unless a config asks otherwise.
    """
    real_logits = tf.cast(real_logits, tf.float32)
    real_target = tf.fill(tf.shape(real_logits), 1.0 - label_smoothing)
    real_loss = tf.nn.sigmoid_cross_entropy_with_logits(
        labels=real_target, logits=real_logits
    )
    # -log(1 - sigmoid(l)) == softplus(l)
    fake_loss = _softplus(fake_logits)
    return tf.reduce_mean(real_loss) + tf.reduce_mean(fake_loss)


def minimax_generator_loss(fake_logits):
    """E[log(1 - D(G(z)))]: the generator's side of the original minimax game.

    Its gradient vanishes when D confidently rejects fakes (early training),
    which is why the modified loss exists. Kept selectable to show exactly that.
    """
    # log(1 - sigmoid(l)) == -softplus(l)
    return -tf.reduce_mean(_softplus(fake_logits))


def modified_generator_loss(fake_logits):
    """-E[log D(G(z))]: the non-saturating generator loss (TF-GAN's name)."""
    return tf.reduce_mean(_softplus(-tf.cast(fake_logits, tf.float32)))


# Public names the configs use, mapped to (generator_loss, discriminator_loss).
GENERATOR_LOSSES = {
    "minimax": minimax_generator_loss,
    "non_saturating": modified_generator_loss,
}
DISCRIMINATOR_LOSSES = {
    "minimax": minimax_discriminator_loss,
    "non_saturating": minimax_discriminator_loss,
}
