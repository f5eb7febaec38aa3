"""What makes each family and option itself: penalty, clipping, spectral norm, packing, DiffAugment,
top-k, InfoGAN's categorical code, R1."""

import dataclasses
import math

import keras
import numpy as np
import pytest
import tensorflow as tf

import ganzoo
from ganzoo import config, losses, zoo
from ganzoo.datasets.pipeline import adversarial_batches
from ganzoo.nn import diffaugment
from tests.conftest import synthetic_data, tiny_overrides


def fit_tiny(name, steps=3, **overrides):
    family = config.load_entry(name).family
    cfg = config.load_entry(name, {**tiny_overrides(family), **overrides})
    model = zoo.build_from_config(cfg)
    model.compile()
    data = synthetic_data(model.image_shape, model.num_classes or 10, count=64)
    model.fit(adversarial_batches(data, global_batch_size=8, d_steps=cfg.model.d_steps,
                                  latent_dim=cfg.model.latent_dim, seed=0),
              epochs=1, steps_per_epoch=steps, verbose=0)
    return model


def test_gradient_penalty_equals_a_hand_computation():
    # critic D(x) = sum(x^2): grad = 2 x_hat, so ||grad|| = 2 ||x_hat||
    rng = np.random.default_rng(0)
    real = rng.normal(size=(4, 3, 3, 1)).astype(np.float32)
    fake = rng.normal(size=(4, 3, 3, 1)).astype(np.float32)
    alpha = rng.uniform(size=(4, 1, 1, 1)).astype(np.float32)
    x_hat = real + alpha * (fake - real)
    slopes = np.sqrt(4.0 * np.sum(x_hat.reshape(4, -1) ** 2, axis=1) + 1e-10)
    expected = np.mean((slopes - 1.0) ** 2)
    critic = lambda x: tf.reduce_sum(tf.square(x), axis=[1, 2, 3])[:, None]  # noqa: E731
    got = losses.wasserstein_gradient_penalty(real, fake, critic, alpha)
    assert float(got) == pytest.approx(expected, rel=1e-5)


def test_gradient_penalty_groups_packed_inputs():
    real = np.ones((4, 2), np.float32)
    fake = np.zeros((4, 2), np.float32)
    alpha = np.full((4, 1), 0.5, np.float32)  # x_hat = 0.5 everywhere
    critic = lambda x: tf.reduce_sum(tf.reshape(x, (2, 4)), axis=1, keepdims=True)  # noqa: E731
    # each packed critic input holds 4 numbers with gradient 1: slope = 2
    got = losses.wasserstein_gradient_penalty(real, fake, critic, alpha)
    assert float(got) == pytest.approx(1.0, rel=1e-5)


def test_r1_penalty_equals_a_hand_computation():
    # D(x) = sum(x^2): grad = 2 x, so ||grad||^2 = 4 ||x||^2, averaged over the batch
    real = np.random.default_rng(1).normal(size=(4, 3, 3, 1)).astype(np.float32)
    expected = np.mean(4.0 * np.sum(real.reshape(4, -1) ** 2, axis=1))
    discriminator = lambda x: tf.reduce_sum(tf.square(x), axis=[1, 2, 3])[:, None]  # noqa: E731
    assert float(losses.r1_gradient_penalty(real, discriminator)) == pytest.approx(expected,
                                                                                 rel=1e-5)


def test_r1_penalty_groups_packed_inputs():
    # 2 packed inputs of 4 numbers, each with gradient 3: squared norm 36 per input
    discriminator = lambda x: 3.0 * tf.reduce_sum(tf.reshape(x, (2, 4)), axis=1,  # noqa: E731
                                                  keepdims=True)
    got = losses.r1_gradient_penalty(np.ones((4, 2), np.float32), discriminator)
    assert float(got) == pytest.approx(36.0, rel=1e-5)


def test_r1_is_half_gamma_times_the_penalty_on_real_data_and_off_by_default():
    settings = {"latent_dim": 4, "generator_units": [8], "discriminator_units": [8],
                "discriminator_dropout": 0.0}
    real = tf.constant(np.random.default_rng(2).normal(size=(6, 2)), tf.float32)
    fake = tf.zeros((6, 2))
    keras.utils.set_random_seed(0)
    plain = ganzoo.build("gan_grid25", **settings)
    keras.utils.set_random_seed(0)
    model = ganzoo.build("gan_grid25", **settings, r1_gamma=10.0)
    expected = 5.0 * losses.r1_gradient_penalty(
        real, lambda x: model.discriminator(x, training=True))
    with_r1 = model._discriminator_pass(real, None, fake)[2]
    without = plain._discriminator_pass(real, None, fake)[2]
    assert float(with_r1 - without) == pytest.approx(float(expected), rel=1e-5)
    assert float(expected) > 0


def test_r1_adds_to_a_family_s_own_penalty():
    settings = {"latent_dim": 4, "generator_units": [8], "discriminator_units": [8]}
    real = tf.constant(np.random.default_rng(3).normal(size=(6, 2)), tf.float32)
    fake = tf.zeros((6, 2))
    keras.utils.set_random_seed(0)
    model = ganzoo.build("wgangp_grid25", **settings, r1_gamma=4.0)
    model.compile()
    r1 = 2.0 * losses.r1_gradient_penalty(real, lambda x: model.discriminator(x, training=True))
    keras.utils.set_random_seed(5)
    with_r1 = model._discriminator_pass(real, None, fake)[2]
    model.hparams = dataclasses.replace(model.hparams, r1_gamma=0.0)
    keras.utils.set_random_seed(5)
    without = model._discriminator_pass(real, None, fake)[2]
    assert float(with_r1 - without) == pytest.approx(float(r1), rel=1e-4)


def test_r1_model_trains_and_logs_its_penalty():
    model = fit_tiny("dcgan_mnist", **{"model.r1_gamma": 10.0})
    assert float(model.get_metrics_result()["r1_penalty"]) > 0


def test_negative_r1_gamma_is_a_config_error():
    with pytest.raises(config.ConfigError, match="r1_gamma"):
        ganzoo.build("gan_grid25", r1_gamma=-1.0)


def test_wgangp_trains_with_its_penalty():
    model = fit_tiny("wgangp_grid25")
    assert model.hparams.gp_weight == 10.0 and model.hparams.d_steps == 5
    assert int(model.d_optimizer.iterations) == 15


def test_wgan_clips_every_critic_weight():
    from ganzoo.models.wgan import WGAN

    wgan = WGAN({"body": "conv", "generator_filters": 4, "discriminator_filters": 4,
                 "latent_dim": 8, "clip_value": 0.01, "d_steps": 2}, (28, 28, 1))
    wgan.compile()
    data = synthetic_data((28, 28, 1), 10, count=32)
    wgan.fit(adversarial_batches(data, global_batch_size=8, d_steps=2, latent_dim=8, seed=0),
             epochs=1, steps_per_epoch=2, verbose=0)
    for variable in wgan.discriminator.trainable_variables:
        assert float(tf.reduce_max(tf.abs(variable))) <= 0.01 + 1e-7, variable.path


def test_spectrally_normalized_kernels_have_singular_value_one():
    from ganzoo.models.sngan import SNGAN

    model = SNGAN({"body": "conv", "generator_filters": 4, "discriminator_filters": 8,
                   "latent_dim": 8}, (28, 28, 1))
    model.compile(d_optimizer=__import__("keras").optimizers.Adam(1e-4))
    data = synthetic_data((28, 28, 1), 10, count=64)
    model.fit(adversarial_batches(data, global_batch_size=8, d_steps=1, latent_dim=8, seed=0),
              epochs=1, steps_per_epoch=30, verbose=0)
    kernels = [layer.layer.kernel for layer in model.discriminator.layers
               if type(layer).__name__ == "SpectralNormalization"]
    assert len(kernels) == 3  # two convolutions and the logit layer
    for kernel in kernels:
        matrix = np.reshape(kernel.numpy(), (-1, kernel.shape[-1]))
        assert np.linalg.svd(matrix, compute_uv=False)[0] == pytest.approx(1.0, abs=0.05)


def test_packing_concatenates_m_samples_on_the_last_axis():
    model = ganzoo.build("pacgan2_grid25", generator_units=[8], discriminator_units=[8], pack=4)
    points = np.arange(16, dtype=np.float32).reshape(8, 2)
    packed = model.pack(tf.constant(points)).numpy()
    np.testing.assert_array_equal(packed, points.reshape(2, 8))  # [s0 s1 s2 s3], [s4 ... s7]
    assert model.discriminator.input_shape == (None, 8)

    images = ganzoo.build("dcgan_mnist", generator_filters=4, discriminator_filters=4, pack=2,
                          self_conditioning=0)  # the entry's clusters exclude packing
    batch = np.random.default_rng(0).normal(size=(4, 28, 28, 1)).astype(np.float32)
    packed = images.pack(tf.constant(batch)).numpy()
    assert packed.shape == (2, 28, 28, 2)
    np.testing.assert_array_equal(packed[1, ..., 0], batch[2, ..., 0])
    np.testing.assert_array_equal(packed[1, ..., 1], batch[3, ..., 0])
    assert images.discriminator.input_shape == (None, 28, 28, 2)


def test_packing_is_refused_for_conditional_models():
    with pytest.raises(config.ConfigError, match="unconditional"):
        ganzoo.build("cgan_mnist", pack=2)


def test_packed_model_trains():
    model = fit_tiny("pacgan2_grid25", steps=2)
    assert int(model.g_optimizer.iterations) == 2


SEED = tf.constant([1, 2], tf.int64)


def test_diffaugment_keeps_shapes_changes_content_and_passes_gradients():
    x = tf.random.stateless_uniform((6, 16, 16, 3), seed=(1, 2), minval=-1, maxval=1)
    for policy in diffaugment.POLICIES:
        with tf.GradientTape() as tape:
            tape.watch(x)
            y = diffaugment.diff_augment(x, (policy,), SEED)
            total = tf.reduce_sum(y)
        assert y.shape == x.shape
        assert not np.allclose(y.numpy(), x.numpy())
        assert float(tf.reduce_sum(tf.abs(tape.gradient(total, x)))) > 0, policy


def test_diffaugment_draws_from_its_seed_alone():
    """Stateless: the same seed gives the same augmentation (a resumed run repeats it), another
    seed another, and each example draws its own."""
    x = tf.random.stateless_uniform((6, 16, 16, 3), seed=(3, 4), minval=-1, maxval=1)
    policy = diffaugment.POLICIES
    same = diffaugment.diff_augment(x, policy, SEED).numpy()
    np.testing.assert_array_equal(same, diffaugment.diff_augment(x, policy, SEED).numpy())
    other = diffaugment.diff_augment(x, policy, SEED + 1).numpy()
    assert not np.allclose(same, other)
    shifted = diffaugment.diff_augment(tf.ones((6, 16, 16, 1)), ("translation",), SEED).numpy()
    assert len({float(image.sum()) for image in shifted}) > 1  # not one shift for the batch


def test_cutout_zeroes_a_square_of_half_the_size():
    y = diffaugment.diff_augment(tf.ones((3, 16, 16, 1)), ("cutout",), SEED).numpy()
    for image in y:
        zeros = np.argwhere(image[..., 0] == 0)
        assert 0 < len(zeros) <= 64
        assert np.ptp(zeros[:, 0]) < 8 and np.ptp(zeros[:, 1]) < 8


def test_unknown_augment_policy_is_a_config_error():
    with pytest.raises(config.ConfigError, match="unknown DiffAugment policy 'flip'"):
        ganzoo.build("dcgan_mnist", augment="translation,flip")


def test_augmented_model_trains():
    model = fit_tiny("dcgan_mnist", steps=2, **{"model.augment": "color,translation,cutout"})
    assert int(model.g_optimizer.iterations) == 2


def test_top_k_keeps_the_best_scored_fakes_and_only_they_reach_the_generator():
    logits = tf.constant([[0.5], [-2.0], [3.0], [1.0], [-1.0]])
    with tf.GradientTape() as tape:
        tape.watch(logits)
        weights = losses.top_k_weights(logits, 0.5)  # ceil(2.5) = 3 of 5
        loss = losses.modified_generator_loss(logits, weights)
    assert np.asarray(weights).tolist() == [1, 0, 1, 1, 0]
    kept = np.array([0.5, 3.0, 1.0])
    assert float(loss) == pytest.approx(np.mean(np.log1p(np.exp(-kept))), rel=1e-6)
    grad = np.asarray(tape.gradient(loss, logits)).ravel()
    assert np.all(grad[[1, 4]] == 0) and np.all(grad[[0, 2, 3]] != 0)
    # patch outputs are ranked by their mean and kept whole; the mean runs over kept logits
    patches = tf.constant([[[0.0, 4.0]], [[1.0, 1.0]], [[3.0, -3.0]]])
    weights = losses.top_k_weights(patches, 0.1)
    assert np.asarray(weights).tolist() == [1, 0, 0]
    assert float(losses.wasserstein_generator_loss(patches, weights)) == pytest.approx(-2.0)


@pytest.mark.parametrize("name", sorted(losses.OBJECTIVES))
def test_generator_losses_weigh_like_tf_gan(name):
    """TF-GAN's default reduction: sum of weighted terms over the count of nonzero weights."""
    objective = losses.OBJECTIVES[name]
    real = tf.constant([[1.0], [0.5], [-0.4], [2.2]])  # the pairs of a relativistic loss

    def generator_loss(logits, weights=None, rows=slice(None)):
        if objective.pairs_real:
            return objective.generator(logits, weights, real_logits=real[rows])
        return objective.generator(logits, weights)

    logits = tf.constant([[0.3], [-1.2], [2.0], [0.7]])
    weights = tf.constant([2.0, 0.0, 1.0, 1.0])
    terms = np.array([float(generator_loss(logits[i:i + 1], rows=slice(i, i + 1)))
                      for i in range(4)])
    expected = np.sum(terms * np.asarray(weights)) / 3.0
    assert float(generator_loss(logits, weights)) == pytest.approx(expected, rel=1e-6)
    assert float(generator_loss(logits, tf.ones(4))) == pytest.approx(float(generator_loss(logits)))


def test_top_k_compiles_once_while_its_share_shrinks():
    share = tf.Variable(1.0)

    @tf.function(jit_compile=True)
    def kept_loss(logits):
        return losses.modified_generator_loss(logits, losses.top_k_weights(logits, share))

    logits = tf.reshape(tf.range(8, dtype=tf.float32), (8, 1))
    values = []
    for value in (1.0, 0.5, 0.25):
        share.assign(value)
        values.append(float(kept_loss(logits)))
    assert kept_loss.experimental_get_tracing_count() == 1
    assert values[0] > values[1] > values[2]  # fewer, better-scored fakes: lower loss


def test_top_k_share_anneals_by_gamma_every_period_down_to_its_floor():
    shares = [float(losses.top_k_share(step, 0.75, period=10)) for step in (0, 9, 10, 25, 10_000)]
    assert shares == pytest.approx([1.0, 1.0, 0.99, 0.99 ** 2, 0.75])


def test_top_k_generator_weights_follow_the_generator_step():
    model = ganzoo.build("pacgan2_grid25", generator_units=[8], discriminator_units=[8],
                         top_k=0.5, top_k_period=10)
    model.compile()
    logits = tf.reshape(tf.range(8, dtype=tf.float32), (8, 1))
    assert np.asarray(model.generator_weights(logits)).sum() == 8  # step 0: every fake counts
    model.g_optimizer.iterations.assign(10_000)
    assert np.asarray(model.generator_weights(logits)).tolist() == [0, 0, 0, 0, 1, 1, 1, 1]
    unfiltered = ganzoo.build("pacgan2_grid25", generator_units=[8], discriminator_units=[8])
    assert unfiltered.generator_weights(logits) is None


def test_top_k_model_trains():
    model = fit_tiny("pacgan2_grid25", steps=3,
                     **{"model.top_k": 0.5, "model.top_k_period": 1})
    assert int(model.g_optimizer.iterations) == 3


@pytest.mark.parametrize("key,value", [("top_k", 0.0), ("top_k", 1.5), ("top_k_period", 0)])
def test_bad_top_k_settings_are_config_errors(key, value):
    with pytest.raises(config.ConfigError, match=f"model.{key}"):
        ganzoo.build("pacgan2_grid25", **{key: value})


def test_latent_category_is_uniform_and_picked_on_purpose_by_its_centre():
    from ganzoo.nn import latent_code

    z = tf.random.stateless_normal((100_000, 3), seed=(1, 2))
    counts = np.bincount(np.asarray(latent_code.latent_category(z, 10)), minlength=10)
    assert counts.shape == (10,) and np.all(np.abs(counts / 100_000 - 0.1) < 0.005)
    z0 = np.asarray(z)[:1000, 0].astype(np.float64)
    by_formula = np.floor(10 * 0.5 * (1 + np.vectorize(math.erf)(z0 / np.sqrt(2))))
    assert np.array_equal(np.asarray(latent_code.latent_category(z[:1000], 10)), by_formula)
    chosen = latent_code.latent_with_category([0, 4, 9], np.zeros((3, 2)), 10)
    assert chosen.shape == (3, 3)
    assert np.asarray(latent_code.latent_category(chosen, 10)).tolist() == [0, 4, 9]


def test_categorical_code_layer_replaces_z0_by_its_one_hot():
    from ganzoo.nn.latent_code import CategoricalCode

    z = np.array([[-3.0, 7.0, 8.0], [0.01, 7.0, 8.0], [3.0, 7.0, 8.0]], np.float32)
    got = np.asarray(CategoricalCode(4)(z))
    assert got.tolist() == [[1, 0, 0, 0, 7, 8], [0, 0, 1, 0, 7, 8], [0, 0, 0, 1, 7, 8]]


def test_mutual_information_penalty_is_q_cross_entropy_on_the_code():
    logits = np.array([[2.0, 0.0, -1.0], [0.5, 0.5, 3.0]], np.float32)
    codes = np.array([0, 1])
    log_q = logits - np.log(np.exp(logits).sum(axis=1, keepdims=True))
    expected = -np.mean(log_q[[0, 1], codes])
    assert float(losses.mutual_information_penalty(codes, logits)) == pytest.approx(expected,
                                                                                    rel=1e-6)


def test_infogan_code_teaches_q_and_the_generator_on_the_generator_side():
    model = ganzoo.build("gan_grid25", generator_units=[16], discriminator_units=[16],
                         latent_categories=5, info_weight=1.0)
    q_variables = {id(v) for v in model.code_predictor.trainable_variables}
    assert q_variables <= {id(v) for v in model.generator_variables}
    assert not q_variables & {id(v) for v in model.discriminator_variables}
    z = latent_code_batch(model, category=[0, 3])
    first, second = np.asarray(model.generator(z))
    assert not np.allclose(first, second)  # same z_1.., another code: another sample

    model.compile(g_optimizer=keras.optimizers.Adam(1e-2))
    before = [np.array(v) for v in model.code_predictor.trainable_variables]
    z = tf.random.stateless_normal((8, model.hparams.latent_dim), seed=(0, 0))
    first_penalty = float(model.code_penalty(z, model.generate(z, training=True)))
    assert first_penalty == pytest.approx(np.log(5), rel=0.2)  # Q starts near uniform
    fit = fit_tiny("gan_grid25", steps=3, **{"model.latent_categories": 5})
    assert "code_loss" in [m.name for m in fit.metrics]
    for _ in range(30):
        model._generator_update(z, None, None)
    after = [np.array(v) for v in model.code_predictor.trainable_variables]
    assert any(not np.allclose(a, b) for a, b in zip(before, after))
    assert float(model.code_penalty(z, model.generate(z, training=True))) < first_penalty / 2


def test_sample_picks_the_latent_code_and_refuses_bad_codes():
    model = ganzoo.build("gan_grid25", generator_units=[16], discriminator_units=[16],
                         latent_dim=3, latent_categories=5)
    picked = model.sample(5, seed=1, codes=[0, 1, 2, 3, 4])
    drawn = model.sample(5, seed=1)
    assert picked.shape == (5, 2) and not np.allclose(picked, drawn)
    assert np.allclose(model.sample(5, seed=1, codes=[0, 1, 2, 3, 4]), picked)
    for bad in ([0, 1, 2, 3, 5], [0, 1], [0.0, 1.0, 2.0, 3.0, 4.0]):
        with pytest.raises(ValueError, match="codes must be"):
            model.sample(5, seed=1, codes=bad)
    with pytest.raises(ValueError, match="without a latent code"):
        ganzoo.build("gan_grid25", generator_units=[16], discriminator_units=[16]).sample(
            2, codes=[0, 1])


def latent_code_batch(model, category):
    from ganzoo.nn import latent_code

    rest = np.zeros((len(category), model.hparams.latent_dim - 1), np.float32)
    return latent_code.latent_with_category(category, rest, model.hparams.latent_categories)


@pytest.mark.parametrize("overrides,key", [
    ({"latent_categories": 1}, "latent_categories"),
    ({"latent_categories": 4, "latent_dim": 1}, "latent_categories"),
    ({"info_weight": -1.0}, "info_weight"),
])
def test_bad_latent_code_settings_are_config_errors(overrides, key):
    with pytest.raises(config.ConfigError, match=f"model.{key}"):
        ganzoo.build("gan_grid25", **overrides)


def test_a_conditional_family_refuses_a_latent_code():
    with pytest.raises(config.ConfigError, match="latent_categories"):
        ganzoo.build("cgan_mnist", latent_categories=10)


def test_a_model_with_a_latent_code_saves_and_reloads(tmp_path):
    model = ganzoo.build("dcgan_mnist", generator_filters=4, discriminator_filters=4,
                         latent_dim=8, latent_categories=10, self_conditioning=0)
    path = tmp_path / "info.keras"
    model.save(path)
    again = keras.models.load_model(path)
    z = latent_code_batch(model, category=list(range(10)))
    assert np.allclose(np.asarray(again.generator(z)), np.asarray(model.generator(z)))
    assert again.code_predictor is not None


def test_maxout_takes_the_largest_of_its_pieces():
    from ganzoo.nn.blocks import Maxout

    x = np.array([[1.0, 5.0, -2.0, 0.0, 3.0, 4.0]], np.float32)  # 2 units of 3 pieces
    assert np.array_equal(np.asarray(Maxout(3)(x)), [[5.0, 4.0]])


def test_pacgan_2d_bodies_batch_norm_generator_and_maxout_discriminator():
    model = fit_tiny("pacgan2_grid25", **{"model.generator_norm": "batch",
                                         "model.discriminator_maxout": 5})
    generator_layers = [type(layer).__name__ for layer in model.generator.layers]
    assert generator_layers.count("BatchNormalization") == 2 and "ReLU" in generator_layers
    maxouts = [layer for layer in model.discriminator.layers if type(layer).__name__ == "Maxout"]
    assert len(maxouts) == 2 and maxouts[0].output.shape[-1] == 16  # 16 units of 5 pieces


@pytest.mark.parametrize("pieces", [1, -2])
def test_maxout_of_one_piece_is_a_config_error(pieces):
    with pytest.raises(config.ConfigError, match="discriminator_maxout"):
        config.load_entry("gan_grid25", {"model.discriminator_maxout": pieces})


def test_linear_learning_rate_decay_reaches_zero_at_the_last_step():
    from ganzoo.models.two_player import make_optimizer

    train = config.load_entry("gan_grid25", {"train.lr_decay": "linear", "train.steps": 1000}).train
    g_opt = make_optimizer(train, 1e-3)
    d_opt = make_optimizer(train, 1e-3, updates_per_step=5)  # k = 5 critic updates per step

    def rate_at(optimizer, iteration):  # the schedule reads the optimizer's own step count
        optimizer.iterations.assign(iteration)
        return float(optimizer.learning_rate)

    assert rate_at(g_opt, 0) == pytest.approx(1e-3)
    assert rate_at(g_opt, 500) == pytest.approx(5e-4)
    assert rate_at(g_opt, 1000) == pytest.approx(0.0)
    assert rate_at(d_opt, 2500) == pytest.approx(5e-4)
    undecayed = config.load_entry("gan_grid25", {"train.lr_decay": "none"})
    constant = make_optimizer(undecayed.train, 1e-3)
    assert rate_at(constant, 1000) == pytest.approx(1e-3)


def test_several_steps_per_execution_train_exactly_like_one(tmp_path):
    """Keras' steps_per_execution only changes how often Python sees the loop."""
    from ganzoo.training import runner

    weights = []
    for per_call in (1, 4):
        cfg = config.load_entry("pacgan2_grid25", {
            **tiny_overrides("gan"), "train.steps": 8, "train.steps_per_epoch": 8,
            "train.steps_per_execution": per_call})
        result = runner.run(cfg, workdir=tmp_path / str(per_call), export_model=False, verbose=0)
        weights.append(result.model.get_weights())
    for one, many in zip(*weights):
        np.testing.assert_array_equal(one, many)
    assert not np.array_equal(weights[0][0], zoo.build_from_config(cfg).get_weights()[0])


@pytest.mark.parametrize("update, matches", [("simultaneous", True), ("alternating", False)])
def test_simultaneous_update_takes_both_gradients_from_one_forward_pass(update, matches):
    """The TF DCGAN tutorial's step, by hand: one fake batch, both losses, both SGD steps from
    the same weights. The alternating step (G sees the updated D) must not match it."""
    import keras

    cfg = config.load_entry("gan_mnist", {**tiny_overrides("gan"), "model.update": update,
                                          "model.ema_decay": 0.0,
                                          "model.discriminator_dropout": 0.0,
                                          "model.self_conditioning": 0})  # the plain GAN step
    model = zoo.build_from_config(cfg)
    model.compile(d_optimizer=keras.optimizers.SGD(0.5), g_optimizer=keras.optimizers.SGD(0.5))
    data = synthetic_data(model.image_shape, 10, count=64)
    batches = adversarial_batches(data, global_batch_size=8, d_steps=1,
                                  latent_dim=cfg.model.latent_dim, seed=0)
    batch = next(iter(batches))
    real, z = batch["images"][:, 0], batch["z"][:, 0]
    before = model.get_weights()
    with tf.GradientTape() as d_tape, tf.GradientTape() as g_tape:
        fake = model.generate(z, training=True)
        real_logits = model.discriminate(real, training=True)
        fake_logits = model.discriminate(fake, training=True)
        d_loss = losses.minimax_discriminator_loss(real_logits, fake_logits)
        g_loss = losses.modified_generator_loss(fake_logits)
    steps = {id(v): -0.5 * g for tape, loss, variables in (
        (d_tape, d_loss, model.discriminator.trainable_variables),
        (g_tape, g_loss, model.generator.trainable_variables))
        for v, g in zip(variables, tape.gradient(loss, variables))}
    expected = [w + np.asarray(steps.get(id(v), 0.0)) for v, w in zip(model.weights, before)]

    model.fit(batches, epochs=1, steps_per_epoch=1, verbose=0)
    close = all(np.allclose(w, e, atol=1e-6) for w, e in zip(model.get_weights(), expected))
    assert close is matches


def test_simultaneous_update_needs_one_discriminator_step():
    with pytest.raises(config.ConfigError, match="needs model.d_steps = 1"):
        config.load_entry("gan_mnist", {"model.update": "simultaneous", "model.d_steps": 2})
