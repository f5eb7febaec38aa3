"""Training that refuses to start where it cannot finish, stops cleanly on NaN, and never
shares a work directory."""

import json

import pytest
import tensorflow as tf

from ganzoo import config
from ganzoo.models.gan import GAN
from ganzoo.training import lock, runner
from tests.conftest import tiny_overrides


def tiny_ring(**overrides):
    return config.load_entry("gan_ring8", {**tiny_overrides("gan"), "train.steps": 8,
                                           "train.steps_per_epoch": 2, **overrides})


def test_a_second_run_on_a_busy_workdir_is_refused(tmp_path):
    with lock.exclusive(tmp_path):  # another run holds the directory
        with pytest.raises(lock.WorkdirBusy, match=f"{tmp_path} is in use by process"):
            runner.run(tiny_ring(), workdir=tmp_path, export_model=False, verbose=0)
    assert not (tmp_path / "checkpoints").exists()
    result = runner.run(tiny_ring(), workdir=tmp_path, export_model=False, verbose=0)
    assert result.step == 8  # once the lock is released, the directory is usable


def test_an_unwritable_workdir_is_refused_before_training(tmp_path):
    blocker = tmp_path / "a_file"
    blocker.write_text("not a directory")
    with pytest.raises(runner.WorkdirUnusable, match="cannot write to work directory"):
        runner.run(tiny_ring(), workdir=blocker / "run", export_model=False, verbose=0)


def test_a_nearly_full_disk_is_refused_before_training(tmp_path, monkeypatch):
    import shutil

    usage = shutil.disk_usage(tmp_path)
    monkeypatch.setattr(shutil, "disk_usage",
                        lambda path: usage._replace(free=10 * 2**20))
    with pytest.raises(runner.WorkdirUnusable, match="only 10 MB free"):
        runner.run(tiny_ring(), workdir=tmp_path / "run", export_model=False, verbose=0)
    assert not (tmp_path / "run" / "checkpoints").exists()


def test_nan_in_a_loss_stops_training_naming_loss_and_step_and_keeps_the_last_checkpoint(
        tmp_path, monkeypatch):
    original = GAN.discriminator_loss

    def poisoned(self, real_logits, fake_logits):  # the 5th discriminator update goes NaN
        loss = original(self, real_logits, fake_logits)
        return tf.where(self.d_optimizer.iterations >= 4, float("nan"), loss)

    monkeypatch.setattr(GAN, "discriminator_loss", poisoned)
    with pytest.raises(runner.TrainingFailed, match=r"d_loss became nan at step 5") as failure:
        runner.run(tiny_ring(), workdir=tmp_path, verbose=0)
    assert "ckpt-4" in str(failure.value)
    assert json.loads((tmp_path / "progress.json").read_text())["step"] == 4
    assert tf.train.latest_checkpoint(tmp_path / "checkpoints").endswith("ckpt-4")
    assert not (tmp_path / "exported.json").exists()  # nothing half-trained is exported

    monkeypatch.setattr(GAN, "discriminator_loss", original)  # the fault is gone: resume
    result = runner.run(tiny_ring(), workdir=tmp_path, export_model=False, verbose=0)
    assert result.step == 8
