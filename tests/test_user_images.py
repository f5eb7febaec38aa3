"""Training on a user's images end to end: folder or zip -> prepare -> a few steps -> export ->
`load` -> `sample`, through the CLI and the runner, on folders written from real images."""

import json
import os
import subprocess
import sys
import zipfile
from pathlib import Path

import numpy as np
import pytest

import ganzoo
from ganzoo import config, integrity, paths, zoo
from ganzoo.training import runner
from tests.conftest import tiny_overrides
from tests.real_images import celeba_like, write_folder, write_unpaired

REPO = Path(__file__).resolve().parent.parent


def cli(*args):
    env = {**os.environ, "GANZOO_OFFLINE": "1"}
    return subprocess.run([sys.executable, "-m", "ganzoo.train", *args], cwd=REPO, env=env,
                          capture_output=True, text=True, timeout=600)


def tiny(family: str, **more) -> dict:
    return {**tiny_overrides(family), "train.steps": 2, "train.steps_per_epoch": 2, **more}


@pytest.mark.slow
def test_celeba_zip_as_downloaded_trains_exports_loads_and_samples(tmp_path):
    """dcgan_celeba from a zip in CelebA's exact layout, through the CLI."""
    archive = tmp_path / "img_align_celeba.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        for name, data in celeba_like(24):
            zf.writestr(f"img_align_celeba/{name}", data)
    sets = [x for key, value in tiny("dcgan").items() if key != "train.steps"
            for x in ("--set", f"{key}={json.dumps(value)}")]
    done = cli("--name", "dcgan_celeba", "--data", str(archive), "--steps", "2",
               "--workdir", str(tmp_path / "run"), *sets)
    assert done.returncode == 0, done.stderr[-3000:]
    assert "img_align_celeba.zip (zip, images layout): 24 files, 24 images" in done.stderr
    user_dir = paths.user_models_dir()
    assert (user_dir / "dcgan_celeba" / "1" / "saved_model.pb").is_file()  # not the package
    assert not (paths.shipped_models_dir() / "dcgan_celeba").exists()
    model = ganzoo.load("dcgan_celeba")
    images = model.sample(4, seed=0)
    assert images.shape == (4, 64, 64, 3) and np.isfinite(images).all()
    import tensorflow as tf  # served like a shipped model: the same signatures, the same images

    served = tf.saved_model.load(str(user_dir / "dcgan_celeba" / "1")).signatures["generate"]
    out = served(seed=tf.constant(0, tf.int64), count=tf.constant(4))["images"].numpy()
    np.testing.assert_allclose(out, images, atol=1e-5)
    card = json.loads((user_dir / "dcgan_celeba" / "1" / integrity.CARD).read_text())
    assert card["data"]["source"] == str(archive) and card["data"]["crop"] == "celeba"
    assert card["data"]["counts"]["used"] == 24 and len(card["data"]["manifest_sha256"]) == 64
    from ganzoo import evaluate  # measured on the held-out split, stored in the user's card

    report = evaluate.evaluate("dcgan_celeba", samples=50)
    assert report["reference"].startswith(f"{card['data']['counts']['test_images']} held-out")
    assert "copies_training_data" in report["memorization"]
    assert report["distribution"].startswith("skipped:")  # too few held-out faces for FID
    card = json.loads((user_dir / "dcgan_celeba" / "1" / integrity.CARD).read_text())
    assert card["checks"]["memorization"] == report["memorization"]


def test_an_entry_without_weights_says_why_and_gives_the_data_command():
    with pytest.raises(ganzoo.NotTrainedError, match="dcgan_celeba") as caught:
        ganzoo.load("dcgan_celeba")
    message = str(caught.value)
    assert "cannot be fetched where the zoo is built" in message
    assert "python -m ganzoo.train --name dcgan_celeba --data PATH" in message
    assert "img_align_celeba.zip" in message


@pytest.mark.slow
def test_entry_file_with_base_trains_a_conditional_model_that_takes_class_names(tmp_path):
    write_folder(tmp_path / "pets" / "cat", 10)
    write_folder(tmp_path / "pets" / "dog", 10, start=40)
    entry = tmp_path / "my_pets.toml"
    entry.write_text(
        'base = "cgan_mnist"\n'
        '[model]\nlatent_dim = 8\ngenerator_filters = 4\ndiscriminator_filters = 4\n'
        '[train]\nbatch_size = 8\nsteps = 2\nsteps_per_epoch = 2\n'
        f'[data]\npath = "{tmp_path / "pets"}"\nimage_size = 16\n')
    cfg = config.load_entry_file(entry)
    assert cfg.name == "my_pets" and cfg.family == "cgan" and cfg.model.latent_dim == 8
    assert "MNIST" not in cfg.description  # the base's description named the base's data
    assert cfg.description.startswith("cgan from the zoo entry cgan_mnist")
    runner.run(cfg, workdir=tmp_path / "run", verbose=0)
    assert "my_pets" in ganzoo.list_models(user=True) and "my_pets" not in ganzoo.list_models()
    model = ganzoo.load("my_pets")
    assert model.class_names == ("cat", "dog")
    by_name = model.sample(2, labels=["dog", "cat"], seed=0)
    np.testing.assert_array_equal(by_name, model.sample(2, labels=[1, 0], seed=0))
    with pytest.raises(ValueError, match=r"unknown class name 'cow'; classes: cat, dog"):
        model.sample(1, labels=["cow"])
    assert config.load_entry("my_pets").data.path == str(tmp_path / "pets")


def test_entry_file_errors_name_the_file_and_the_key(tmp_path):
    entry = tmp_path / "faces.toml"
    entry.write_text('base = "dcgan_celeba"\n[model]\nlatent_dimm = 3\n')
    with pytest.raises(config.ConfigError, match=r"faces.toml: unknown key 'model.latent_dimm'"):
        config.load_entry_file(entry)
    entry.write_text('base = "no_such_entry"\n')
    with pytest.raises(config.ConfigError, match=r"faces.toml: key 'base' must name a zoo entry"):
        config.load_entry_file(entry)
    entry.write_text('name = "my faces"\nbase = "dcgan_celeba"\n')
    with pytest.raises(config.ConfigError, match=r"key 'name' must be letters"):
        config.load_entry_file(entry)


def test_a_conditional_family_given_one_class_is_refused_before_training(tmp_path):
    write_folder(tmp_path / "pets" / "cat", 6)
    write_folder(tmp_path / "pets" / "dog", 6, start=6)
    cfg = config.load_entry("cgan_mnist", {**tiny("cgan"), "data.path": str(tmp_path / "pets"),
                                           "data.image_size": 16, "data.labels": "none"})
    with pytest.raises(ValueError, match=r"cgan is conditional and needs class labels"):
        runner.run(cfg, workdir=tmp_path / "run", verbose=0)
    (tmp_path / "one").mkdir()
    (tmp_path / "pets" / "cat").rename(tmp_path / "one" / "cat")
    cfg = config.load_entry("cgan_mnist", {**tiny("cgan"), "data.path": str(tmp_path / "one"),
                                           "data.image_size": 16})
    with pytest.raises(ValueError, match=r"two or more class folders .* only 'cat'"):
        runner.run(cfg, workdir=tmp_path / "run2", verbose=0)
    assert not (tmp_path / "run2" / "checkpoints").exists()


@pytest.mark.slow
def test_cyclegan_trains_from_trainA_trainB_folders(tmp_path):
    root = tmp_path / "apples2oranges"
    write_unpaired(root, train=(8, 8), test=(2, 2))
    cfg = config.load_entry("cyclegan_emoji", {**tiny("cyclegan"), "data.path": str(root),
                                               "data.image_size": 32, "train.batch_size": 2})
    result = runner.run(cfg, workdir=tmp_path / "run", verbose=0)
    assert result.version_dir.parent.parent == paths.user_models_dir()
    model = zoo.load("cyclegan_emoji")
    from ganzoo import datasets

    test = datasets.for_entry(cfg, "test")
    assert len(test.a) == 2 and not test.paired
    out = model.translate(test.a, "a2b")
    assert out.shape == (2, 32, 32, 3) and np.isfinite(out).all()


def test_a_translation_family_on_one_folder_is_refused_with_the_layouts(tmp_path):
    write_folder(tmp_path / "imgs", 6)
    cfg = config.load_entry("cyclegan_emoji", {**tiny("cyclegan"),
                                               "data.path": str(tmp_path / "imgs"),
                                               "data.image_size": 16})
    with pytest.raises(ValueError, match=r"translates between two domains.*trainA/ trainB/"):
        runner.run(cfg, workdir=tmp_path / "run", verbose=0)


def test_a_set_prepared_at_another_size_is_refused_with_the_fix(tmp_path):
    from ganzoo.imagefiles import prepare

    write_folder(tmp_path / "imgs", 6)
    prepare.prepare(tmp_path / "imgs", tmp_path / "p32", prepare.Settings(size=32), workers=1,
                    progress=False)
    cfg = config.load_entry("dcgan_celeba", {**tiny("dcgan"), "data.path": str(tmp_path / "p32")})
    with pytest.raises(ValueError, match=r"prepared with size 32, but this entry trains at 64"):
        runner.run(cfg, workdir=tmp_path / "run", verbose=0)


def _local_tfds_image_set(data_dir: Path) -> str:
    """A small TFDS image data set with class names, built here from Twemoji (no network)."""
    import tensorflow_datasets as tfds

    from tests.real_images import twemoji_rgb

    class GanzooTestEmoji(tfds.core.GeneratorBasedBuilder):
        VERSION = tfds.core.Version("1.0.0")

        def _info(self):
            return tfds.core.DatasetInfo(builder=self, features=tfds.features.FeaturesDict({
                "image": tfds.features.Image(shape=(None, None, 3)),
                "label": tfds.features.ClassLabel(names=["even", "odd"])}))

        def _split_generators(self, dl_manager):
            return {"train": self._generate_examples(0, 12),
                    "test": self._generate_examples(12, 4)}

        def _generate_examples(self, start, count):
            for i, image in enumerate(twemoji_rgb(count, size=40, start=start)):
                yield start + i, {"image": np.asarray(image), "label": (start + i) % 2}

    GanzooTestEmoji(data_dir=str(data_dir)).download_and_prepare()
    return "ganzoo_test_emoji"


@pytest.mark.slow
def test_any_tfds_image_set_by_name_trains_a_conditional_model(tmp_path, monkeypatch):
    name = _local_tfds_image_set(tmp_path / "tfds")
    monkeypatch.setenv("TFDS_DATA_DIR", str(tmp_path / "tfds"))
    from ganzoo import datasets

    data = datasets.load(f"tfds:{name}", "test", image_size=16)
    images, labels = data.as_numpy()
    assert images.shape == (4, 16, 16, 3) and sorted(labels.tolist()) == [0, 0, 1, 1]
    assert data.class_names == ("even", "odd") and "TFDS" in data.source
    cfg = config.load_entry("cgan_mnist", {**tiny("cgan"), "dataset": f"tfds:{name}",
                                           "data.image_size": 16, "data.source": "tfds"})
    result = runner.run(cfg, workdir=tmp_path / "run", export_model=False, verbose=0)
    assert result.model.class_names == ("even", "odd")
    assert result.model.sample(2, labels=["odd", "even"], seed=0).shape == (2, 16, 16, 3)


def prepare_cli(*args):
    env = {**os.environ, "GANZOO_OFFLINE": "1"}
    return subprocess.run([sys.executable, "-m", "ganzoo.prepare", *args], cwd=REPO, env=env,
                          capture_output=True, text=True, timeout=600)


@pytest.mark.slow
def test_prepare_cli_then_train_from_the_prepared_set(tmp_path):
    write_folder(tmp_path / "photos" / "holiday", 30)
    (tmp_path / "photos" / "notes.txt").write_text("not an image")
    done = prepare_cli(str(tmp_path / "photos"), "--out", str(tmp_path / "set"), "--size", "16")
    assert done.returncode == 0, done.stderr[-2000:]
    assert "31 files, 30 images, 30 used" in done.stdout
    assert "ignored, not images: 1" in done.stdout and "notes.txt" in done.stdout
    assert "preparing [" in done.stderr  # the progress bar
    manifest = json.loads((tmp_path / "set" / "manifest.json").read_text())
    assert manifest["command"].startswith("python -m ganzoo.prepare ")
    cfg = config.load_entry("dcgan_mnist", {**tiny("dcgan"), "data.path": str(tmp_path / "set"),
                                            "data.image_size": 16, "model.self_conditioning": 0})
    result = runner.run(cfg, workdir=tmp_path / "run", verbose=0)
    assert ganzoo.load("dcgan_mnist").sample(2, seed=0).shape == (2, 16, 16, 3)
    assert result.version_dir.parent.parent == paths.user_models_dir()


def test_prepare_cli_bad_input_is_one_line_and_status_2(tmp_path):
    (tmp_path / "empty").mkdir()
    done = prepare_cli(str(tmp_path / "empty"), "--out", str(tmp_path / "set"), "--size", "16")
    assert done.returncode == 2
    assert done.stderr.strip().splitlines()[-1].startswith("error: ")
    assert "empty: no files" in done.stderr and not (tmp_path / "set").exists()


def test_self_conditioning_relabels_prepared_images_by_their_clusters(tmp_path):
    from ganzoo.datasets import clusters, prepared
    from ganzoo.imagefiles import prepare

    write_folder(tmp_path / "imgs", 40)
    prepare.prepare(tmp_path / "imgs", tmp_path / "set", prepare.Settings(size=16, test_share=0),
                    workers=1, progress=False)
    data = prepared.load(tmp_path / "set", "train")
    grouped, shares = clusters.clustered(data, 3, seed=0)
    images, labels = grouped.fetch(np.arange(40))
    assert images.dtype == np.uint8 and len(set(labels.tolist())) > 1  # not the folder's label 0
    flat = images.reshape(40, -1).astype(np.float32) / 127.5 - 1.0
    by_hand = clusters.nearest(flat, clusters.kmeans(flat, 3, seed=0)[0])
    np.testing.assert_array_equal(labels, by_hand)
    np.testing.assert_allclose(np.bincount(labels, minlength=3) / 40, shares)


def test_uint8_batches_are_scaled_to_the_unit_range_in_train_step():
    import tensorflow as tf

    from ganzoo.models.base import unit_range

    pixels = tf.constant([[0, 128, 255]], tf.uint8)
    np.testing.assert_allclose(unit_range(pixels).numpy(), [[-1.0, 128 / 127.5 - 1, 1.0]],
                               atol=1e-6)
    floats = tf.constant([[0.5]])
    assert unit_range(floats) is floats
