"""Training that refuses to start where it cannot finish, stops cleanly on NaN, and never
shares a work directory."""

import json

import numpy as np
import pytest
import tensorflow as tf

from ganzoo import config, integrity
from ganzoo.models.gan import GAN
from ganzoo.training import lock, runner
from tests.conftest import tiny_overrides, tiny_ring


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


@pytest.mark.slow
def test_kill_9_mid_run_then_the_same_command_ends_like_an_uninterrupted_run(tmp_path):
    """SIGKILL at a random moment after the first checkpoint; the rerun resumes and ends with
    the weights of a run that was never interrupted (checkpoint, optimizers, EMA, data position)."""
    import os
    import random
    import signal
    import subprocess
    import sys
    import time
    from pathlib import Path

    import ganzoo

    repo = Path(__file__).resolve().parent.parent
    args = ["--name", "gan_mnist", "--steps", "200", "--batch_size", "8",
            "--set", "model.generator_units=[16]", "--set", "model.discriminator_units=[16]",
            "--set", "model.latent_dim=8", "--set", "model.discriminator_dropout=0.0",
            "--set", "train.steps_per_epoch=4"]
    env = {**os.environ, "GANZOO_OFFLINE": "1"}

    def command(workdir, models):
        return [sys.executable, "-m", "ganzoo.train", *args, "--workdir", str(workdir),
                "--models_dir", str(models)]

    victim = subprocess.Popen(command(tmp_path / "killed", tmp_path / "m1"), cwd=repo, env=env,
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    checkpoints = tmp_path / "killed" / "checkpoints"
    deadline = time.monotonic() + 300
    while (tf.train.latest_checkpoint(checkpoints) is None and victim.poll() is None
           and time.monotonic() < deadline):
        time.sleep(0.05)
    time.sleep(random.uniform(0.0, 1.0))  # somewhere in the following epochs
    victim.send_signal(signal.SIGKILL)
    victim.wait()
    # The checkpoint list, not progress.json: a kill may fall between the two writes.
    interrupted_at = int(tf.train.latest_checkpoint(checkpoints).rsplit("-", 1)[1])
    resumed = subprocess.run(command(tmp_path / "killed", tmp_path / "m1"), cwd=repo, env=env,
                             capture_output=True, text=True, timeout=600)
    assert resumed.returncode == 0, resumed.stderr[-3000:]
    assert 0 < interrupted_at < 200  # killed mid-run, after at least one checkpoint
    assert f"Resuming gan_mnist from step {interrupted_at}" in resumed.stderr
    straight = subprocess.run(command(tmp_path / "straight", tmp_path / "m2"), cwd=repo, env=env,
                              capture_output=True, text=True, timeout=600)
    assert straight.returncode == 0, straight.stderr[-3000:]
    a = ganzoo.load("gan_mnist", models_dir=tmp_path / "m1")
    b = ganzoo.load("gan_mnist", models_dir=tmp_path / "m2")
    for x, y in zip(a.get_weights(), b.get_weights()):
        np.testing.assert_allclose(x, y, atol=1e-5)


def test_the_wall_time_resumes_from_the_checkpoint_even_if_progress_json_is_cut_short(tmp_path):
    """progress.json only mirrors the checkpoint: a kill while it is written must not stop
    the rerun, nor reset the training time the model card reports."""
    first = runner.run(tiny_ring(**{"train.steps": 4}), workdir=tmp_path, export_model=False,
                       verbose=0)
    (tmp_path / "progress.json").write_text('{"step": 4, "wall_ti')  # half written
    result = runner.run(tiny_ring(), workdir=tmp_path, export_model=False, verbose=0)
    assert result.step == 8
    assert result.wall_time_s > first.wall_time_s > 0
    assert json.loads((tmp_path / "progress.json").read_text()) == {
        "step": 8, "wall_time_s": result.wall_time_s}


def test_a_failed_atomic_write_keeps_the_old_file_and_leaves_no_scraps(tmp_path):
    from ganzoo import files

    target = tmp_path / "card.json"
    files.write_json(target, {"version": 1})
    with pytest.raises(OSError, match="disk full"):
        with files.replaced_atomically(target) as partial:
            partial.write_text('{"vers')
            raise OSError("disk full")
    assert json.loads(target.read_text()) == {"version": 1}
    assert [p.name for p in tmp_path.iterdir()] == ["card.json"]


def test_a_checkpoint_write_cut_short_leaves_the_previous_checkpoint_in_use(tmp_path):
    """A kill inside a checkpoint write leaves files that the checkpoint list does not name
    yet (TensorFlow lists a checkpoint only after writing it); the rerun ignores them."""
    runner.run(tiny_ring(**{"train.steps": 4}), workdir=tmp_path, export_model=False, verbose=0)
    checkpoints = tmp_path / "checkpoints"
    (checkpoints / "ckpt-6.index").write_bytes(b"\x00" * 10)  # a half-written next checkpoint
    (checkpoints / "ckpt-6.data-00000-of-00001").write_bytes(b"\x00" * 10)
    assert tf.train.latest_checkpoint(checkpoints).endswith("ckpt-4")
    result = runner.run(tiny_ring(), workdir=tmp_path, export_model=False, verbose=0)
    assert result.step == 8


def test_a_work_directory_from_before_a_new_option_still_resumes(tmp_path):
    """config.json written before `train.precision` and `model.update` existed: the rerun
    treats the missing options as their defaults instead of refusing the directory."""
    runner.run(tiny_ring(**{"train.steps": 4}), workdir=tmp_path, export_model=False, verbose=0)
    saved = json.loads((tmp_path / "config.json").read_text())
    del saved["train"]["precision"], saved["model"]["update"]
    (tmp_path / "config.json").write_text(json.dumps(saved))
    result = runner.run(tiny_ring(), workdir=tmp_path, export_model=False, verbose=0)
    assert result.step == 8
    with pytest.raises(config.ConfigError, match="differs in train.batch_size"):
        runner.run(tiny_ring(**{"train.batch_size": 16}), workdir=tmp_path, export_model=False,
                   verbose=0)


def test_mixed_bfloat16_training_exports_a_float32_model(tmp_path):
    import ganzoo

    cfg = config.load_entry("dcgan_mnist", {**tiny_overrides("dcgan"),
                                            "train.precision": "mixed_bfloat16"})
    result = runner.run(cfg, workdir=tmp_path / "run", models_dir=tmp_path / "models", verbose=0)
    assert result.model.generator.layers[1].dtype_policy.name == "float32"
    loaded = ganzoo.load("dcgan_mnist", models_dir=tmp_path / "models")
    assert loaded.sample(4, seed=0).dtype == np.float32
    for x, y in zip(loaded.get_weights(), result.model.get_weights()):
        np.testing.assert_array_equal(x, y)


def test_a_time_budget_stops_mid_epoch_keeps_that_step_and_a_rerun_ends_like_a_straight_run(
        tmp_path):
    """--minutes: the budget ends training after the step that reaches it, that step is
    checkpointed and exported with the budget on its card; a rerun without it finishes the
    cut epoch, then the rest, and ends at train.steps with a straight run's weights."""
    cut = runner.run(tiny_ring(), workdir=tmp_path / "cut", models_dir=tmp_path / "m1",
                     verbose=0, minutes=1e-9)
    assert cut.step == 1
    card = json.loads((cut.version_dir / integrity.CARD).read_text())
    assert card["time_budget_min"] == 1e-9 and card["planned_steps"] == 8 and card["steps"] == 1
    assert tf.train.latest_checkpoint(tmp_path / "cut" / "checkpoints").endswith("-1")
    resumed = runner.run(tiny_ring(), workdir=tmp_path / "cut", export_model=False, verbose=0)
    straight = runner.run(tiny_ring(), workdir=tmp_path / "straight", export_model=False,
                          verbose=0)
    assert resumed.step == straight.step == 8
    for a, b in zip(resumed.model.get_weights(), straight.model.get_weights()):
        np.testing.assert_allclose(a, b, atol=1e-6)


def test_the_epoch_plan_finishes_a_cut_epoch_first():
    train = config.TrainConfig(steps=10, steps_per_epoch=5)
    assert runner.epoch_plan(0, train) == [(2, 0, 5)]
    assert runner.epoch_plan(3, train) == [(1, 0, 2), (2, 1, 5)]
    assert runner.epoch_plan(7, train) == [(1, 0, 3)]
    assert runner.epoch_plan(10, train) == []
