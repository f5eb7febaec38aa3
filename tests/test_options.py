"""Each training option on its own (ganzoo/models/options/), against what its paper defines;
tests/test_families.py covers them again through the families."""

import keras
import numpy as np
import pytest
import tensorflow as tf

from ganzoo.models.options import (
    adaptive_augment,
    ema,
    packing,
    self_conditioning,
    top_k,
    zero_centred,
)


def test_packing_puts_m_consecutive_samples_side_by_side_on_the_last_axis():
    samples = tf.reshape(tf.range(4 * 2 * 2 * 1, dtype=tf.float32), (4, 2, 2, 1))
    packed = packing.pack(samples, 2, (2, 2, 1))
    assert packing.packed_shape((2, 2, 1), 2) == (2, 2, 2) and packed.shape == (2, 2, 2, 2)
    np.testing.assert_array_equal(packed[1, ..., 0], samples[2, ..., 0])  # pack 1 = samples 2, 3
    np.testing.assert_array_equal(packed[1, ..., 1], samples[3, ..., 0])
    assert packing.pack(samples, 1, (2, 2, 1)) is samples


def test_the_average_warms_up_and_then_follows_the_live_weights_slowly():
    assert float(ema.warmed_decay(0, 0.999)) == pytest.approx(0.1)
    assert float(ema.warmed_decay(10**6, 0.999)) == pytest.approx(0.999)
    live = keras.Sequential([keras.Input((2,)), keras.layers.Dense(1),
                             keras.layers.BatchNormalization()])
    average = keras.models.clone_model(live)
    for weight in average.weights:
        weight.assign(tf.zeros_like(weight))
    ema.update_average(average, live, tf.constant(0.75))
    kernel, live_kernel = average.weights[0].numpy(), live.weights[0].numpy()
    np.testing.assert_allclose(kernel, 0.25 * live_kernel, rtol=1e-6)  # 0.75 * 0 + 0.25 * w
    moving_variance = [w for w in average.weights if "moving_variance" in w.path][0]
    np.testing.assert_array_equal(moving_variance.numpy(), np.ones(1))  # copied, not averaged


def test_each_sample_is_judged_by_its_own_clusters_logit():
    logits = tf.constant([[0.0, 1.0, 2.0], [3.0, 4.0, 5.0]])
    own = self_conditioning.own_cluster_logits(logits, tf.constant([2, 0]))
    np.testing.assert_array_equal(own.numpy(), [[2.0], [3.0]])


def test_top_k_keeps_the_best_scored_fakes_once_annealed():
    logits = tf.reshape(tf.range(8, dtype=tf.float32), (8, 1))
    assert top_k.generator_weights(logits, 0, 1.0, 10) is None
    assert top_k.generator_weights(logits, 0, 0.5, 10).numpy().sum() == 8  # share 1 at first
    late = top_k.generator_weights(logits, 10**6, 0.5, 10).numpy()
    np.testing.assert_array_equal(late, [0, 0, 0, 0, 1, 1, 1, 1])  # the 4 highest logits


def test_gamma_falls_along_a_cosine_to_its_final_share_and_stays():
    optimizer = keras.optimizers.Adam()
    shares = []
    for step in (0, 50, 100, 400):
        optimizer.iterations.assign(step)
        shares.append(float(zero_centred.gamma_share(optimizer, 0.1, 100)))
    assert shares == pytest.approx([1.0, 0.55, 0.1, 0.1], abs=1e-6)
    assert zero_centred.gamma_share(None, 1.0, 0) == 1.0  # constant: no step is read


def test_r1_and_r2_in_the_training_step_are_the_penalties_of_their_definition():
    """The step reuses the discriminator's forward pass for both penalties; the values it
    adds equal gamma / 2 times each penalty computed on its own."""
    import ganzoo
    from ganzoo import losses

    model = ganzoo.build("r3gan_twemoji", latent_dim=8, widths=[8], cardinality=[2],
                         expansion=1, r1_gamma=2.0, r2_gamma=6.0, gamma_final_share=1.0,
                         augment="", augment_target=0.0)
    model.compile()
    real = tf.random.stateless_uniform((4, 64, 64, 3), seed=(1, 1), minval=-1, maxval=1)
    fake = tf.random.stateless_uniform((4, 64, 64, 3), seed=(2, 2), minval=-1, maxval=1)
    critic = lambda x: model.discriminator(x, training=True)  # noqa: E731
    real_logits, fake_logits, loss = model._discriminator_pass(real, None, fake)
    adversarial = losses.relativistic_discriminator_loss(real_logits, fake_logits)
    expected = (1.0 * losses.r1_gradient_penalty(real, critic)
                + 3.0 * losses.r2_gradient_penalty(fake, critic))
    assert float(expected) > 0
    assert float(loss - adversarial) == pytest.approx(float(expected), rel=1e-4)


def test_the_cosine_schedules_of_the_learning_rate_and_adams_beta_2():
    from ganzoo.models.two_player import make_optimizer
    from ganzoo.schema import TrainConfig

    train = TrainConfig(steps=100, steps_per_epoch=100, lr_decay="cosine", lr_final_share=0.25,
                        beta_1=0.0, beta_2=0.9, beta_2_final=0.99)
    optimizer = make_optimizer(train, 2e-4)
    seen = []
    for step in (0, 50, 100, 300):
        optimizer.iterations.assign(step)
        seen.append((float(optimizer.learning_rate), float(optimizer.beta_2)))
    assert seen == [pytest.approx(v, rel=1e-5) for v in
                    [(2e-4, 0.9), (1.25e-4, 0.945), (5e-5, 0.99), (5e-5, 0.99)]]
    # an update reads the scheduled beta_2: after one step v = (1 - beta_2) g^2
    variable = keras.Variable([0.0])
    optimizer.iterations.assign(100)
    optimizer.build([variable])
    optimizer.apply_gradients([(tf.constant([2.0]), variable)])
    assert float(optimizer._velocities[0][0]) == pytest.approx(0.01 * 4.0, rel=1e-4)


def test_ada_moves_p_by_the_batch_over_its_speed_toward_the_target_and_clips_it():
    step = adaptive_augment.next_probability
    assert float(step(0.5, 0.9, 0.6, 64, 6400)) == pytest.approx(0.51)  # sure of the reals
    assert float(step(0.5, 0.2, 0.6, 64, 6400)) == pytest.approx(0.49)  # unsure: less
    assert float(step(0.0, 0.2, 0.6, 64, 6400)) == 0.0
    assert float(step(0.995, 1.0, 0.6, 64, 6400)) == 1.0
    # model.augment_max: ADA with a cap, the official R3GAN's 0.3 say
    assert float(step(0.295, 1.0, 0.6, 64, 6400, ceiling=0.3)) == pytest.approx(0.3)
    assert float(step(0.3, 0.2, 0.6, 64, 6400, ceiling=0.3)) == pytest.approx(0.29)


def test_the_cap_on_p_is_checked_and_named():
    import ganzoo
    from ganzoo.schema import ConfigError

    with pytest.raises(ConfigError, match="model.augment_max"):
        ganzoo.build("dcgan_twemoji", augment_target=0.6, augment_max=1.5)


def test_ada_reads_the_sign_of_the_real_logits_or_under_the_relativistic_loss_of_the_margins():
    real = tf.constant([[2.0], [3.0], [-1.0], [5.0]])
    fake = tf.constant([[2.5], [1.0], [-3.0], [4.0]])
    plain = adaptive_augment.overfitting_signal(real, fake, margin=False)
    paired = adaptive_augment.overfitting_signal(real, fake, margin=True)
    assert (float(plain), float(paired)) == (0.5, 0.5)
    # the relativistic loss cannot see a shift of every logit, and neither can its signal
    shifted = adaptive_augment.overfitting_signal(real + 10, fake + 10, margin=True)
    assert float(shifted) == float(paired)


def test_each_transform_reaches_an_image_with_probability_p():
    from ganzoo.nn import diffaugment

    images = tf.random.stateless_uniform((64, 16, 16, 3), seed=(3, 4), minval=-1, maxval=1)
    policy, seed = ("translation", "cutout"), tf.constant([5, 6], tf.int64)
    always = diffaugment.diff_augment(images, policy, seed)
    assert np.array_equal(diffaugment.diff_augment(images, policy, seed, tf.constant(1.0)),
                          always)
    assert np.array_equal(diffaugment.diff_augment(images, policy, seed, tf.constant(0.0)),
                          images)
    half = diffaugment.diff_augment(images, policy, seed, tf.constant(0.5))
    untouched = np.all(np.isclose(half, images), axis=(1, 2, 3))
    # an image is untouched when neither transform reached it: a quarter of them, expected
    assert 4 <= untouched.sum() <= 30


def test_the_training_step_moves_p_logs_it_and_a_checkpoint_carries_it(tmp_path):
    import ganzoo

    model = ganzoo.build("dcgan_twemoji", latent_dim=8, generator_filters=4,
                         discriminator_filters=4, augment_target=0.6,
                         augment_speed_images=80)
    model.compile()
    data = {"images": tf.random.stateless_uniform((8, 1, 64, 64, 3), seed=(1, 2), maxval=255),
            "labels": tf.zeros((8, 1), tf.int32),
            "z": tf.random.stateless_normal((8, 2, 8), seed=(3, 4))}
    assert float(model.augment_probability) == 0.0  # ADA starts without augmentation
    model.augment_probability.assign(0.5)
    logs = model.train_step(data)
    signal, moved = float(logs["augment_signal"]), float(model.augment_probability)
    assert signal != 0.6
    assert moved == pytest.approx(0.5 + 0.1 * np.sign(signal - 0.6))  # 8 images of 80
    assert float(logs["augment_p"]) == pytest.approx(moved)
    checkpoint = tf.train.Checkpoint(model=model)
    path = checkpoint.save(tmp_path / "ckpt")
    model.augment_probability.assign(0.7)
    checkpoint.restore(path)
    assert float(model.augment_probability) == pytest.approx(moved)
