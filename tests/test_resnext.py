"""R3GAN's blocks (ganzoo.nn.resnext) against their definitions, and the family's checks."""

import keras
import numpy as np
import pytest
import tensorflow as tf

import ganzoo
from ganzoo import config
from ganzoo.nn import resnext

TAPS = resnext.lowpass_kernel_1d()  # [1, 3, 3, 1] / 8


def upsample_1d(v):
    """StyleGAN2's upfirdn2d.upsample2d along one axis: zeros inserted, padded (2, 1), the
    filter times the gain 2."""
    spread = np.zeros(2 * len(v))
    spread[0::2] = v
    padded = np.pad(spread, (2, 1))
    return np.array([2 * TAPS @ padded[j:j + 4] for j in range(2 * len(v))])


def downsample_1d(v):
    """upfirdn2d.downsample2d along one axis: padded (1, 1), filtered, every second kept."""
    padded = np.pad(v, (1, 1))
    return np.array([TAPS @ padded[2 * i:2 * i + 4] for i in range(len(v) // 2)])


def test_the_filter_is_one_two_one_made_interpolating():
    np.testing.assert_allclose(TAPS, [0.125, 0.375, 0.375, 0.125])


def test_lowpass_resampling_equals_stylegan2s_upfirdn2d():
    x = np.random.default_rng(0).normal(size=(2, 8, 6, 3)).astype(np.float32)
    up = resnext.LowpassUpsample()(x).numpy()
    expected = np.apply_along_axis(upsample_1d, 2, np.apply_along_axis(upsample_1d, 1, x))
    np.testing.assert_allclose(up, expected, atol=1e-5)
    down = resnext.LowpassDownsample()(x).numpy()
    expected = np.apply_along_axis(downsample_1d, 2, np.apply_along_axis(downsample_1d, 1, x))
    np.testing.assert_allclose(down, expected, atol=1e-5)
    # a constant image stays constant away from the zero-padded border
    flat = resnext.LowpassUpsample()(np.ones((1, 8, 8, 1), np.float32)).numpy()
    np.testing.assert_allclose(flat[0, 2:-2, 2:-2], 1.0, atol=1e-6)


def normalised_1d(resample, v):
    """The filter divided, at each output, by the sum of its taps that fell inside."""
    return resample(v) / resample(np.ones_like(v))


@pytest.mark.parametrize("layer, along", [(resnext.LowpassUpsample, upsample_1d),
                                          (resnext.LowpassDownsample, downsample_1d)])
def test_border_normalised_resampling_divides_by_the_taps_inside_the_image(layer, along):
    x = np.random.default_rng(2).normal(size=(2, 8, 4, 3)).astype(np.float32)
    ours = layer("normalised")(x).numpy()
    by_axis = lambda v: normalised_1d(along, v)  # noqa: E731
    expected = np.apply_along_axis(by_axis, 2, np.apply_along_axis(by_axis, 1, x))
    np.testing.assert_allclose(ours, expected, atol=1e-5)
    # so a white image stays white to its edge, where zero padding makes a grey frame
    white = np.ones((1, 8, 8, 3), np.float32)
    np.testing.assert_allclose(layer("normalised")(white).numpy(), 1.0, atol=1e-6)
    assert layer("zeros")(white).numpy()[0, 0, 0, 0] < 0.9
    assert layer.from_config(layer("normalised").get_config()).border == "normalised"
    with pytest.raises(ValueError, match="border"):
        layer("reflect")


def test_the_grouped_convolution_equals_keras_grouped_conv2d():
    x = np.random.default_rng(1).normal(size=(2, 5, 5, 8)).astype(np.float32)
    ours = resnext.GroupedConv2D(12, groups=4, use_bias=False)
    ours.build(x.shape)
    reference = keras.layers.Conv2D(12, 3, padding="same", groups=4, use_bias=False)
    reference.build(x.shape)
    reference.kernel.assign(ours.kernel)
    np.testing.assert_allclose(ours(x).numpy(), reference(x).numpy(), atol=1e-4)


def test_a_residual_block_starts_as_the_identity_and_learns_away_from_it():
    inputs = keras.Input((8, 8, 16))
    block = keras.Model(inputs, resnext.residual_block(inputs, cardinality=4, expansion=2,
                                                       total_blocks=3, name="b"))
    x = np.random.default_rng(2).normal(size=(2, 8, 8, 16)).astype(np.float32)
    np.testing.assert_array_equal(block(x).numpy(), x)  # the projection starts at zero
    expand = block.get_layer("b_expand").kernel.numpy()
    # N(0, gain / sqrt(fan_in)), gain = sqrt(2 / 1.04) * 3^(-1/4)
    assert expand.std() == pytest.approx(resnext.LEAKY_GAIN * 3 ** -0.25 / 4.0, rel=0.15)


def test_r3gan_samples_stay_in_range_though_its_generator_has_no_tanh():
    model = ganzoo.build("r3gan_twemoji", latent_dim=8, widths=[8], cardinality=[2])
    model.generator.get_layer("to_image").kernel.assign(
        100.0 * model.generator.get_layer("to_image").kernel)
    raw = model.generator(tf.random.normal((4, 8)), training=True).numpy()
    assert np.abs(raw).max() > 1.0
    samples = model.sample(4, seed=0)
    assert samples.min() >= -1.0 and samples.max() <= 1.0


@pytest.mark.parametrize("overrides, message", [
    ({"widths": [8, 8]}, "model.widths has 2 values for 5 stages"),
    ({"cardinality": [3], "widths": [8]}, "model.cardinality"),
    ({"blocks": [0]}, "model.blocks"),
    ({"data.image_size": 48}, "not 4 x a power of 2"),
    ({"resample_border": "reflect"}, "model.resample_border"),
])
def test_r3gan_settings_that_cannot_work_are_refused_naming_the_key(overrides, message):
    with pytest.raises(config.ConfigError, match=message):
        ganzoo.build("r3gan_twemoji", **overrides)


def test_a_conditional_r3gan_trains_on_labels_and_samples_a_class_by_name(tmp_path):
    from ganzoo.models.r3gan import R3GAN
    from tests.conftest import synthetic_data

    settings = {"latent_dim": 8, "widths": [8], "cardinality": [2], "expansion": 1,
                "conditional": True}
    model = R3GAN(settings, (16, 16, 3), num_classes=3, class_names=("cat", "dog", "owl"))
    model.compile()
    batches = model.input_pipeline(synthetic_data((16, 16, 3), 3), global_batch_size=8, seed=0)
    history = model.fit(batches, epochs=1, steps_per_epoch=2, verbose=0).history
    assert np.isfinite(history["d_loss"]).all()
    # the label changes the sample and the discriminator's verdict
    z = tf.random.stateless_normal((2, 8), seed=(0, 1))
    cats, owls = (model.generate(z, tf.constant([k, k])).numpy() for k in (0, 2))
    assert np.abs(cats - owls).max() > 0
    logits = [model.score(tf.constant(cats), tf.constant([k, k])).numpy() for k in (0, 2)]
    assert np.abs(logits[0] - logits[1]).max() > 0
    owl = model.sample(2, labels=["owl", "owl"], seed=0)
    np.testing.assert_allclose(owl, model.sample(2, labels=[2, 2], seed=0))
    path = tmp_path / "conditional.keras"
    model.save(path)
    reloaded = keras.saving.load_model(path, safe_mode=True)
    np.testing.assert_allclose(reloaded.sample(2, labels=["owl", "owl"], seed=0), owl, atol=1e-6)
