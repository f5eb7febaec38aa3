"""Adversarial losses as pure functions, named and defined as in TF-GAN.

Every function takes discriminator *logits* and returns a scalar: the mean over
the examples it was given. Generator losses also take TF-GAN's `weights`, reduced
as TF-GAN does by default (sum of weighted terms / number of nonzero weights), so
a 0/1 mask averages over the kept examples while every shape stays static.
Means are per replica; the caller (the adversarial base model) is the one place
that rescales them for `tf.distribute`, so none of these functions needs to know
how many replicas exist.

Formulas, with D(x) = sigmoid(logit):
- minimax (Goodfellow et al. 2014, eq. 1):
  L_D = -E[log D(x)] - E[log(1 - D(G(z)))]
  L_G =  E[log(1 - D(G(z)))]                    (saturates when D wins)
- modified / non-saturating (same paper, section 3):
  L_G = -E[log D(G(z))]
"""

from collections.abc import Callable
from typing import NamedTuple

import tensorflow as tf


def _softplus(x):
    return tf.nn.softplus(tf.cast(x, tf.float32))


def _mean(values, weights=None):
    """Plain mean, or TF-GAN's SUM_BY_NONZERO_WEIGHTS reduction with `weights` (one per
    example, or a scalar) broadcast to `values`, so an example's weight reaches every logit
    it owns."""
    if weights is None:
        return tf.reduce_mean(values)
    per_example = tf.reshape(tf.cast(weights, tf.float32), [-1] + [1] * (values.shape.rank - 1))
    weights = tf.broadcast_to(per_example, tf.shape(values))
    nonzero = tf.math.count_nonzero(weights, dtype=tf.float32)
    return tf.math.divide_no_nan(tf.reduce_sum(values * weights), nonzero)


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


def minimax_generator_loss(fake_logits, weights=None):
    """E[log(1 - D(G(z)))]: the generator's side of the original minimax game.

    Its gradient vanishes when D confidently rejects fakes (early training),
    which is why the modified loss exists. Kept selectable to show exactly that.
    """
    # log(1 - sigmoid(l)) == -softplus(l)
    return -_mean(_softplus(fake_logits), weights)


def modified_generator_loss(fake_logits, weights=None):
    """-E[log D(G(z))]: the non-saturating generator loss (TF-GAN's name)."""
    return _mean(_softplus(-tf.cast(fake_logits, tf.float32)), weights)



# ----- Wasserstein (Arjovsky et al. 2017; Gulrajani et al. 2017) ---------------------


def wasserstein_discriminator_loss(real_logits, fake_logits):
    """E[D(G(z))] - E[D(x)]: the critic's estimate of the negated Wasserstein-1 distance."""
    return tf.reduce_mean(tf.cast(fake_logits, tf.float32)) - tf.reduce_mean(
        tf.cast(real_logits, tf.float32)
    )


def wasserstein_generator_loss(fake_logits, weights=None):
    """-E[D(G(z))]."""
    return -_mean(tf.cast(fake_logits, tf.float32), weights)


def wasserstein_gradient_penalty(real, fake, critic, alpha, epsilon=1e-10, target=1.0):
    """E[(||grad_x D(x_hat)||_2 / target - 1)^2], x_hat = real + alpha (fake - real).

    Gulrajani et al. 2017, eq. 3, with TF-GAN's epsilon inside the square
    root. `alpha` is drawn by the caller (uniform [0, 1], one per example), so
    tests can fix it. `critic` maps a batch to one score per *critic input*;
    with packing, m examples form one input, and the norm is taken over each
    group's gradient, since that is what the critic sees as one point.
    """
    real = tf.cast(real, tf.float32)
    interpolates = real + alpha * (tf.cast(fake, tf.float32) - real)
    squared_norms = _squared_gradient_norms(interpolates, critic)
    slopes = tf.sqrt(squared_norms + epsilon)
    return tf.reduce_mean(tf.square(slopes / target - 1.0))


def r1_gradient_penalty(real, discriminator):
    """E[||grad_x D(x)||_2^2] at real samples x: the R1 regularizer (Mescheder et al. 2018,
    eq. 9, without its gamma / 2, which the caller applies).

    Zero-centred and taken on the data only, so it does not fight an optimal
    discriminator the way WGAN-GP's norm-1 target does; it stops the
    discriminator from growing steep around the (few) real images it has
    memorized. `discriminator` maps a batch to one score per discriminator
    input; with packing the squared norm is over each group's gradient. With
    DiffAugment inside `discriminator`, the gradient is taken through the
    augmentation, back to the un-augmented sample.
    """
    return tf.reduce_mean(_squared_gradient_norms(tf.cast(real, tf.float32), discriminator))


def r2_gradient_penalty(fake, discriminator):
    """E[||grad_x D(x)||_2^2] at generated samples x: R2 (Mescheder et al. 2018, section 4.1),
    R1's twin on the generator's side, again without gamma / 2.

    Huang et al. 2024 (R3GAN, section 3) show why both are needed with the relativistic
    loss: R1 alone keeps D smooth on the data but not on the fakes, and their Stacked-MNIST
    runs with RpGAN + R1 diverge. `fake` is a constant here (the discriminator's step does not
    differentiate through the generator), as in the reference.
    """
    return tf.reduce_mean(_squared_gradient_norms(tf.stop_gradient(tf.cast(fake, tf.float32)),
                                                  discriminator))


def _squared_gradient_norms(inputs, critic):
    """||grad_x critic(x)||^2 for each of the critic's scores, over all the inputs that score
    depends on (a pack of m samples under PacGAN): the core of every gradient penalty."""
    with tf.GradientTape() as tape:
        tape.watch(inputs)
        scores = critic(inputs)
    return squared_gradient_norms(tape, scores, inputs)


def squared_gradient_norms(tape, scores, inputs):
    """The same, from scores already recorded on `tape` (which watched `inputs`): a training
    step that needs both the logits and their penalty runs the discriminator once."""
    # d(sum of scores) / d inputs, without recording the sum on the tape
    gradient = tape.gradient(scores, inputs, output_gradients=tf.ones_like(scores))
    per_score = tf.reshape(tf.cast(gradient, tf.float32), (tf.shape(scores)[0], -1))
    return tf.reduce_sum(tf.square(per_score), axis=1)


# ----- hinge (Lim & Ye 2017; Miyato et al. 2018) --------------------------------


def hinge_discriminator_loss(real_logits, fake_logits):
    """E[max(0, 1 - D(x))] + E[max(0, 1 + D(G(z)))]."""
    return tf.reduce_mean(tf.nn.relu(1.0 - tf.cast(real_logits, tf.float32))) + tf.reduce_mean(
        tf.nn.relu(1.0 + tf.cast(fake_logits, tf.float32))
    )


def hinge_generator_loss(fake_logits, weights=None):
    """-E[D(G(z))]."""
    return wasserstein_generator_loss(fake_logits, weights)


# ----- relativistic pairing (Jolicoeur-Martineau 2019; Huang et al. 2024, eq. 2) ---------


def relativistic_discriminator_loss(real_logits, fake_logits):
    """E[softplus(-(D(x) - D(G(z))))] over pairs (x, z): RpGAN's critic loss.

    Each real is judged against the fake it is paired with, not against a fixed threshold,
    so D cannot win by pushing every real up at once; Sun et al. 2020 show that the pairing
    leaves no basin of mode-dropping solutions. Pairs are the i-th real and i-th fake.
    """
    return tf.reduce_mean(_softplus(tf.cast(fake_logits, tf.float32)
                                    - tf.cast(real_logits, tf.float32)))


def relativistic_generator_loss(fake_logits, weights=None, real_logits=None):
    """E[softplus(-(D(G(z)) - D(x)))]: the same pairing with the roles swapped. It needs the
    real logits of the pairs (the objective says so with `pairs_real`); the reals are
    constants for the generator."""
    if real_logits is None:
        raise ValueError("the relativistic generator loss needs the paired real logits")
    margin = tf.stop_gradient(tf.cast(real_logits, tf.float32)) - tf.cast(fake_logits,
                                                                           tf.float32)
    return _mean(_softplus(margin), weights)


# ----- least squares (Mao et al. 2017; TF-GAN's a=0, b=c=1) ----------------------


def least_squares_discriminator_loss(real_logits, fake_logits):
    """1/2 E[(D(x) - 1)^2] + 1/2 E[D(G(z))^2]."""
    return 0.5 * tf.reduce_mean(tf.square(tf.cast(real_logits, tf.float32) - 1.0)) + 0.5 * (
        tf.reduce_mean(tf.square(tf.cast(fake_logits, tf.float32)))
    )


def least_squares_generator_loss(fake_logits, weights=None):
    """1/2 E[(D(G(z)) - 1)^2]."""
    return 0.5 * _mean(tf.square(tf.cast(fake_logits, tf.float32) - 1.0), weights)


# ----- reconstruction terms of image-to-image translation -----------------------


def l1_loss(target, output):
    """E|target - output| over every pixel: pix2pix's L_L1 (Isola et al. 2017, eq. 3)."""
    return tf.reduce_mean(tf.abs(tf.cast(target, tf.float32) - tf.cast(output, tf.float32)))


def cycle_consistency_loss(data_x, reconstructed_data_x, data_y, reconstructed_data_y):
    """(E|x - F(G(x))| + E|y - G(F(y))|) / 2: TF-GAN's cycle loss, per-pixel means.

    TF-GAN halves the sum of the two directions; Zhu et al. 2017 (eq. 2) do
    not, so the CycleGAN family multiplies this by 2 to keep the paper's
    lambda = 10 meaning what it means there.
    """
    return 0.5 * (l1_loss(data_x, reconstructed_data_x) + l1_loss(data_y, reconstructed_data_y))


def mutual_information_penalty(codes, code_logits):
    """-E[log Q(c | G(z, c))]: InfoGAN's variational bound on -I(c; G(z, c)) (Chen et al.
    2016, eq. 5) without the constant H(c), as TF-GAN's `mutual_information_penalty`,
    for a categorical code given as integer `codes` and Q's unnormalised `code_logits`."""
    return tf.reduce_mean(tf.nn.sparse_softmax_cross_entropy_with_logits(
        labels=tf.cast(codes, tf.int32), logits=tf.cast(code_logits, tf.float32)))


def top_k_weights(fake_logits, share):
    """Top-k training's mask (Sinha et al. 2020): 1 for the ceil(share * n) fakes the
    discriminator scores as most real, 0 for the rest, whose gradients can push samples
    away from their nearest mode. Pass it as a generator loss's `weights`.

    Higher logits mean "more real" for every objective in OBJECTIVES. Rows are ranked
    by their mean logit, so patch or packed outputs are kept or dropped whole. A mask
    instead of a gather keeps every shape static as k shrinks: XLA compiles the step
    once (a gather of k rows made it compile a new program for each k).
    """
    n = tf.shape(fake_logits)[0]
    scores = tf.reduce_mean(tf.reshape(tf.cast(fake_logits, tf.float32), [n, -1]), axis=1)
    k = tf.clip_by_value(tf.cast(tf.math.ceil(share * tf.cast(n, tf.float32)), tf.int32), 1, n)
    ranks = tf.argsort(tf.argsort(scores, direction="DESCENDING", stable=True), stable=True)
    return tf.cast(ranks < k, tf.float32)


def top_k_share(generator_step, final_share, period, gamma=0.99):
    """The kept share at a generator step: 1 at first, times `gamma` every `period`
    generator steps (the paper anneals once per epoch), never below `final_share` (its nu)."""
    decays = tf.math.floordiv(tf.cast(generator_step, tf.float32), float(period))
    return tf.maximum(float(final_share), tf.pow(gamma, decays))


# The objectives a config can name: (generator loss, discriminator loss).
class Objective(NamedTuple):
    """The two losses a GAN objective plays (TF-GAN's signatures). `pairs_real`: the generator
    loss also takes `real_logits=`, the discriminator's logits of the real batch."""

    generator: Callable
    discriminator: Callable
    pairs_real: bool = False


# Keys must match `ganzoo.models.hyperparameters.Objective` (tests/test_losses.py ties them).
OBJECTIVES = {
    "minimax": Objective(minimax_generator_loss, minimax_discriminator_loss),
    "non_saturating": Objective(modified_generator_loss, minimax_discriminator_loss),
    "wasserstein": Objective(wasserstein_generator_loss, wasserstein_discriminator_loss),
    "hinge": Objective(hinge_generator_loss, hinge_discriminator_loss),
    "least_squares": Objective(least_squares_generator_loss, least_squares_discriminator_loss),
    "relativistic": Objective(relativistic_generator_loss, relativistic_discriminator_loss,
                              pairs_real=True),
}
