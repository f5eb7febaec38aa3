"""Every model that ships in saved_models/ loads, matches its checksums, and serves what it samples."""

import hashlib
import json

import numpy as np
import pytest
import tensorflow as tf

import ganzoo
from ganzoo import config, datasets, paths, zoo

SHIPPED = [name for name in ganzoo.list_models()
           if zoo.available_versions(paths.shipped_models_dir() / name)]


def newest(name):
    entry = paths.shipped_models_dir() / name
    version_dir = entry / str(zoo.available_versions(entry)[-1])
    return version_dir, json.loads((version_dir / "ganzoo" / "card.json").read_text())


def test_the_foundation_entries_ship_trained():
    assert {"gan_mnist", "dcgan_mnist", "cgan_mnist"} <= set(SHIPPED)


@pytest.mark.parametrize("name", SHIPPED)
def test_shipped_files_match_their_recorded_checksums(name):
    version_dir, card = newest(name)
    assert card["files"], "the card records no checksums"
    for relative, digest in card["files"].items():
        data = (version_dir / relative).read_bytes()
        assert hashlib.sha256(data).hexdigest() == digest, relative


@pytest.mark.parametrize("name", SHIPPED)
def test_shipped_model_samples_and_serves_the_same_images(name):
    version_dir, card = newest(name)
    model = ganzoo.load(name)
    assert model.zoo_version == card["version"]
    signatures = tf.saved_model.load(str(version_dir)).signatures
    if hasattr(model, "translate"):
        inputs = datasets.load(config.load_entry(name).dataset, "test").a[:4]
        for i, direction in enumerate(model.directions):
            images = model.translate(inputs, direction)
            np.testing.assert_array_equal(images, model.translate(inputs, direction))
            serving = signatures["serving_default" if i == 0 else direction]
            served = serving(images=tf.constant(inputs))["images"].numpy()
            np.testing.assert_allclose(served, images, atol=1e-5)
        return
    labels = np.arange(6) % model.num_classes if model.conditional else None
    images = model.sample(6, labels=labels, seed=11)
    np.testing.assert_array_equal(images, model.sample(6, labels=labels, seed=11))
    inputs = {"z": tf.random.stateless_normal((6, model.hparams.latent_dim), seed=(11, 0))}
    if model.conditional:
        inputs["labels"] = tf.constant(labels, tf.int32)
    served = signatures["serving_default"](**inputs)["images"].numpy()
    np.testing.assert_allclose(served, images, atol=1e-5)


@pytest.mark.parametrize("name", SHIPPED)
def test_shipped_model_card_says_how_it_was_made_and_checked(name):
    _, card = newest(name)
    for key in ("data_source", "steps", "wall_time_s", "command", "machine"):
        assert card.get(key), key
    assert card.get("checks", {}).get("command", "").startswith("python -m ganzoo.evaluate")
