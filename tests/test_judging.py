"""Judging a user's own model: which network judges what, every image shape, and
`ganzoo evaluate`'s failures as one line (docs/evaluation.md, "Your own images")."""

import json
import os
import subprocess
import sys
from pathlib import Path

import keras
import numpy as np
import pytest

from ganzoo import config
from ganzoo.evaluation import image_files, inception
from tests.conftest import tiny_overrides
from tests.real_images import twemoji_rgb

REPO = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def random_inception(tmp_path_factory):
    """InceptionV3's real architecture with random weights, saved as a weights file."""
    path = tmp_path_factory.mktemp("inception") / "random.weights.h5"
    keras.applications.InceptionV3(include_top=False, pooling="avg",
                                   input_shape=(inception.SIZE, inception.SIZE, 3),
                                   weights=None).save_weights(path)
    return path


def image_folder(folder: Path, count: int, size: tuple[int, int], mode: str = "RGB") -> Path:
    folder.mkdir(parents=True)
    for i, image in enumerate(twemoji_rgb(count)):
        image.resize(size).convert(mode).save(folder / f"{i:03d}.png")
    return folder


class Drawn:
    """A generator stand-in that draws the user's own images back, slightly moved: the
    checks' plumbing is under test here, not a model."""

    def __init__(self, images):
        self.images = images

    def sample(self, count, seed=0):
        rng = np.random.default_rng(seed)
        picked = self.images[rng.integers(len(self.images), size=count)]
        return np.clip(picked + rng.normal(0, 0.05, picked.shape), -1, 1).astype(np.float32)


def user_entry(folder: Path, **data) -> config.EntryConfig:
    overrides = {"data.path": str(folder), "data.test_share": 0.5,
                 **{f"data.{k}": v for k, v in data.items()}}
    return config.load_entry("dcgan_twemoji", overrides)


@pytest.mark.slow
@pytest.mark.parametrize("case", ["grayscale 28", "32", "128", "non-square files"])
def test_a_users_images_of_any_shape_get_inception_features(tmp_path, monkeypatch,
                                                             random_inception, case):
    size, channels, files = {"grayscale 28": (28, 1, (28, 28)), "32": (32, 3, (32, 32)),
                             "128": (128, 3, (128, 128)),
                             "non-square files": (64, 3, (96, 64))}[case]
    folder = image_folder(tmp_path / "images", 120, files, "L" if channels == 1 else "RGB")
    cfg = user_entry(folder, image_size=size, channels=channels)
    monkeypatch.setenv(inception.ENV, str(random_inception))
    from ganzoo import datasets

    training, _ = datasets.for_entry(cfg, "train").as_numpy()
    assert training.shape[1:] == (size, size, channels)
    report = image_files.image_file_checks(Drawn(training), cfg, samples=60)
    assert report["feature_network"].startswith("InceptionV3 pool features")
    assert str(random_inception) in report["feature_network"]
    assert np.isfinite(report["generated"]["fid"]) and np.isfinite(report["real_floor"]["fid"])
    assert "copies_training_data" in report["memorization"]


def test_without_inception_a_users_emoji_are_not_scored_by_the_emoji_judge(tmp_path,
                                                                            monkeypatch):
    """A user's 64 x 64 colour images were scored with the emoji style judge's features."""
    folder = image_folder(tmp_path / "images", 120, (64, 64))
    cfg = user_entry(folder)
    monkeypatch.delenv(inception.ENV, raising=False)
    monkeypatch.delenv("GANZOO_MIRROR", raising=False)
    monkeypatch.setenv("GANZOO_OFFLINE", "1")
    monkeypatch.setenv("GANZOO_CACHE_DIR", str(tmp_path / "cache"))
    from ganzoo import datasets

    training, _ = datasets.for_entry(cfg, "train").as_numpy()
    report = image_files.image_file_checks(Drawn(training), cfg, samples=60)
    assert report["distribution"].startswith("skipped: FID needs the InceptionV3 weights")
    assert "ganzoo download inception" in report["distribution"]
    assert "feature_network" not in report and "copies_training_data" in report["memorization"]
    assert not datasets.style_judged(cfg)
    assert datasets.style_judged(config.load_entry("dcgan_twemoji"))
    assert not datasets.style_judged(config.load_entry("dcgan_celeba"))


@pytest.mark.slow
def test_ganzoo_evaluate_on_a_users_entry_ends_in_a_report_or_one_line(tmp_path):
    """No held-out images: one line, status 2. No weights offline, a corrupt cached weights
    file: a report without feature metrics that says why. An unknown name: one line, status 2.
    Never a traceback."""
    folder = image_folder(tmp_path / "clip", 40, (32, 32))
    entry = tmp_path / "clip.toml"
    entry.write_text('base = "dcgan_twemoji"\n[data]\nimage_size = 32\ntest_share = 0.0\n')
    env = {**os.environ, "GANZOO_OFFLINE": "1", "GANZOO_CACHE_DIR": str(tmp_path / "cache")}
    env.pop(inception.ENV, None)
    env.pop("GANZOO_MIRROR", None)
    sets = [x for key, value in {**tiny_overrides("dcgan"), "train.steps": 2,
                                 "train.steps_per_epoch": 2}.items()
            for x in ("--set", f"{key}={json.dumps(value)}")]

    def run(module, *args):
        return subprocess.run([sys.executable, "-m", module, *args], cwd=REPO, env=env,
                              capture_output=True, text=True, timeout=600)

    trained = run("ganzoo.train", "--config", str(entry), "--data", str(folder),
                  "--workdir", str(tmp_path / "run"), *sets)
    assert trained.returncode == 0, trained.stderr[-3000:]
    done = run("ganzoo.evaluate", "--name", "clip", "--samples", "60")
    assert done.returncode == 2 and "Traceback" not in done.stderr, done.stderr[-3000:]
    last = done.stderr.strip().splitlines()[-1]
    assert last.startswith("error: ") and "data.test_share above 0" in last

    entry.write_text('base = "dcgan_twemoji"\n[data]\nimage_size = 32\ntest_share = 0.5\n')
    folder = image_folder(tmp_path / "clip2", 120, (32, 32))
    trained = run("ganzoo.train", "--config", str(entry), "--data", str(folder),
                  "--workdir", str(tmp_path / "run2"), *sets)  # version 2, with held-out images
    assert trained.returncode == 0, trained.stderr[-3000:]
    # named by the user's folder everywhere, never by the base entry's data set (twemoji)
    logged = [line for line in trained.stderr.splitlines() if "Training clip" in line
              or "Data (train split)" in line]
    assert len(logged) == 2 and all(f"image files: {folder}" in line for line in logged)
    assert not [line for line in logged if "twemoji" in line]
    info = run("ganzoo", "info", "clip")
    assert info.stdout.splitlines()[0] == f"clip: dcgan on image files: {folder}", info.stdout
    listed = run("ganzoo", "list").stdout.splitlines()
    assert any(line.startswith("clip ") and line.endswith(f"v2  image files: {folder}")
               for line in listed), listed
    done = run("ganzoo.evaluate", "--name", "clip", "--samples", "60")
    assert done.returncode == 0 and "Traceback" not in done.stderr, done.stderr[-3000:]
    assert "ganzoo download inception" in json.loads(done.stdout)["distribution"]

    from ganzoo.hub import registry
    record = registry.EXTERNAL[registry.INCEPTION][1][0]
    cached = tmp_path / "cache" / "models" / registry.INCEPTION / record.path
    cached.parent.mkdir(parents=True)
    cached.write_bytes(b"truncated")
    done = run("ganzoo.evaluate", "--name", "clip", "--samples", "60")
    assert done.returncode == 0 and "Traceback" not in done.stderr, done.stderr[-3000:]
    assert "is corrupt" in json.loads(done.stdout)["distribution"]

    done = run("ganzoo.evaluate", "--name", "no_such_clip")
    assert done.returncode == 2 and "Traceback" not in done.stderr
    assert done.stderr.strip().splitlines()[-1].startswith("error: unknown zoo entry")
