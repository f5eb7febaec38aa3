"""Self-conditioned GANs (Liu et al. 2020): k-means clusters of the data as labels, the cluster
in z's first coordinate with the clusters' shares, one discriminator output per cluster."""

import dataclasses

import keras
import numpy as np
import pytest
import tensorflow as tf

import ganzoo
from ganzoo import config, zoo
from ganzoo.datasets import clusters
from ganzoo.datasets.base import from_arrays
from ganzoo.nn import latent_code
from tests.conftest import synthetic_data, tiny_overrides


def blobs(counts=(30, 20, 10), seed=0):
    """Points around three far-apart centres, and which centre each came from."""
    rng = np.random.default_rng(seed)
    means = np.array([[0.0, 0.0], [10.0, 0.0], [0.0, 10.0]])
    truth = np.repeat(np.arange(len(counts)), counts)
    return means[truth] + rng.normal(scale=0.3, size=(len(truth), 2)), truth


def same_partition(a, b):
    """True when a and b group the points alike, whatever the cluster numbers are."""
    return all(len(set(b[a == label])) == 1 for label in set(a)) and len(set(a)) == len(set(b))


def test_kmeans_finds_separated_clusters_and_repeats_itself_for_a_seed():
    points, truth = blobs()
    centres, assignments = clusters.kmeans(points, 3, seed=0)
    assert same_partition(assignments, truth)
    for label in range(3):
        assert np.allclose(centres[label], points[assignments == label].mean(axis=0), atol=1e-5)
    again_centres, again = clusters.kmeans(points, 3, seed=0)
    assert np.array_equal(again, assignments) and np.array_equal(again_centres, centres)
    assert np.array_equal(clusters.nearest(points, centres), assignments)
    for bad_k in (0, len(points) + 1):
        with pytest.raises(ValueError, match="k-means needs"):
            clusters.kmeans(points, bad_k)


def test_purity_counts_each_clusters_most_common_label():
    assert clusters.purity([0, 0, 0, 1, 1], [5, 5, 6, 7, 7]) == pytest.approx(0.8)
    assert clusters.purity([3, 3, 9, 9], [1, 2, 1, 2]) == pytest.approx(0.5)
    points, truth = blobs()
    assert clusters.purity(clusters.kmeans(points, 3)[1], truth) == 1.0


def test_clustered_data_carries_cluster_ids_and_never_reads_its_own_labels():
    points, truth = blobs()
    images = (points.reshape(-1, 1, 2, 1) * 10).clip(0, 255)
    scrambled = np.random.default_rng(1).integers(0, 10, size=len(truth))
    data = from_arrays("blobs", "train", "test blobs", images, scrambled, 10)
    labelled, shares = clusters.clustered(data, 3, seed=0)
    ids = labelled.arrays[1]
    assert labelled.num_classes == 3 and same_partition(ids, truth)
    assert np.allclose(sorted(shares), [10 / 60, 20 / 60, 30 / 60])
    assert np.allclose(shares, np.bincount(ids, minlength=3) / len(ids))
    streamed_ids = np.concatenate([y for _, y in labelled.as_tf_dataset().batch(64)
                                   .as_numpy_iterator()])
    assert np.array_equal(streamed_ids, ids)

    # Streamed data (no arrays): clustered on its first examples, assigned as it streams.
    streamed = dataclasses.replace(data, arrays=None)
    relabelled, streamed_shares = clusters.clustered(streamed, 3, seed=0)
    _, streamed_labels = relabelled.as_numpy()
    assert relabelled.arrays is None and same_partition(streamed_labels, truth)
    assert np.allclose(streamed_shares, shares)


def test_cluster_code_draws_each_cluster_with_its_share():
    shares = np.array([0.5, 0.1, 0.3, 0.1])
    code = latent_code.ClusterCode(4)
    z = tf.random.stateless_normal((40_000, 3), seed=(0, 0))
    code(z)  # builds the weights, uniform until set
    uniform = np.bincount(np.asarray(code.cluster_of(z)), minlength=4) / len(z)
    assert np.allclose(uniform, 0.25, atol=0.01)
    code.set_shares(shares)
    drawn = np.bincount(np.asarray(code.cluster_of(z)), minlength=4) / len(z)
    assert np.allclose(drawn, shares, atol=0.01)

    asked = np.array([3, 0, 1, 2, 1])
    pinned = code.with_clusters(z[:5], asked)
    assert np.array_equal(np.asarray(code.cluster_of(pinned)), asked)
    assert np.allclose(np.asarray(pinned)[:, 1:], np.asarray(z[:5])[:, 1:])
    one_hot = np.asarray(code(pinned))
    assert one_hot.shape == (5, 4 + 2) and np.array_equal(one_hot[:, :4].argmax(1), asked)
    for bad in ([0.5, 0.6], [1.0], [1.2, -0.2]):
        with pytest.raises(ValueError, match="cluster shares"):
            code.set_shares(bad)


def self_conditioned(name="dcgan_mnist", clusters_=5, **overrides):
    family = config.load_entry(name).family
    cfg = config.load_entry(name, {**tiny_overrides(family),
                                   "model.self_conditioning": clusters_, **overrides})
    return zoo.build_from_config(cfg)


@pytest.mark.parametrize("name", ["gan_mnist", "dcgan_mnist", "wgangp_mnist"])
def test_a_self_conditioned_model_trains_on_clusters_and_judges_each_by_its_own_output(name):
    model = self_conditioned(name)
    model.compile()
    assert model.discriminator.output.shape[-1] == 5
    data = synthetic_data(model.image_shape, 10, count=64)
    model.fit(model.input_pipeline(data, global_batch_size=8, seed=0), epochs=1,
              steps_per_epoch=3, verbose=0)
    _, expected_shares = clusters.clustered(data, 5, seed=0)
    for generator in (model.generator, model.ema_generator):
        code = generator.get_layer("cluster_code")
        assert np.allclose(np.asarray(code.thresholds), latent_code._thresholds_and_centres(
            expected_shares)[0])

    images = model.sample(6, seed=0)
    labels = np.array([4, 0, 2, 2, 1, 3])
    all_outputs = np.asarray(model.score(images, labels))
    picked = np.asarray(model.judge(images, labels))
    assert picked.shape == (6, 1)
    assert np.allclose(picked[:, 0], all_outputs[np.arange(6), labels])


def test_training_draws_each_fake_in_its_real_images_cluster():
    model = self_conditioned()
    seen = []
    model._discriminator_update = lambda real, labels, z: seen.append(("d", z))
    model._generator_update = lambda z, labels, real: seen.append(("g", z))
    model.ema_generator = None
    batch = {"images": tf.zeros((2, 1, *model.image_shape)), "labels": tf.constant([[1], [3]]),
             "z": tf.random.stateless_normal((2, 2, model.hparams.latent_dim), seed=(0, 0))}
    model.train_step(batch)
    code = model.generator.get_layer("cluster_code")
    assert [kind for kind, _ in seen] == ["d", "g"]
    for _, noise in seen:
        assert np.array_equal(np.asarray(code.cluster_of(noise)), [1, 3])


def test_sample_picks_clusters_and_a_self_conditioned_model_saves_and_reloads(tmp_path):
    model = self_conditioned()
    model.generator.get_layer("cluster_code").set_shares([0.4, 0.3, 0.1, 0.1, 0.1])
    model.ema_generator.get_layer("cluster_code").set_shares([0.4, 0.3, 0.1, 0.1, 0.1])
    picked = model.sample(5, seed=1, codes=[0, 1, 2, 3, 4])
    assert not np.allclose(picked, model.sample(5, seed=1))
    with pytest.raises(ValueError, match="codes must be"):
        model.sample(2, seed=1, codes=[0, 5])
    path = tmp_path / "self_conditioned.keras"
    model.save(path)
    again = keras.models.load_model(path)
    assert np.allclose(np.asarray(again.generator.get_layer("cluster_code").thresholds),
                       np.asarray(model.generator.get_layer("cluster_code").thresholds))
    assert np.allclose(again.sample(5, seed=1, codes=[0, 1, 2, 3, 4]), picked, atol=1e-5)


@pytest.mark.parametrize("overrides,message", [
    ({"model.self_conditioning": 1}, "model.self_conditioning must be 0"),
    ({"model.self_conditioning": -3}, "model.self_conditioning must be 0"),
    ({"model.self_conditioning": 10, "model.latent_categories": 10}, "pick one"),
    ({"model.self_conditioning": 10, "model.pack": 2}, "model.pack = 1"),
    ({"model.self_conditioning": 10, "model.latent_dim": 1}, "latent_dim >= 2"),
])
def test_bad_self_conditioning_settings_are_config_errors(overrides, message):
    with pytest.raises(config.ConfigError, match=message):
        config.load_entry("dcgan_mnist", overrides)


def test_a_conditional_family_refuses_self_conditioning():
    with pytest.raises(config.ConfigError, match="self_conditioning"):
        ganzoo.build("cgan_mnist", self_conditioning=10)
