"""Callbacks a GAN run needs that Keras' own do not cover.

Keras' `TerminateOnNaN` watches only `logs["loss"]`, which a GAN never
reports, and `BackupAndRestore` saves only `model.optimizer` (one of our two).
"""

import math
import shutil
import time
from pathlib import Path

import keras
import numpy as np
import tensorflow as tf
from absl import logging

from ganzoo import files, imaging

GRID_SEED = 20_141_210  # fixed noise for per-epoch grids, so epochs are comparable


class StopOnNonFiniteLoss(keras.callbacks.Callback):
    """Stop at the first step where any logged loss is NaN or infinite."""

    def __init__(self):
        super().__init__()
        self.failure = None  # message, once a bad value was seen

    def on_train_batch_end(self, batch, logs=None):
        for key, value in (logs or {}).items():
            if key.endswith("loss") and not math.isfinite(float(value)):
                step = int(self.model.optimizer.iterations.numpy())
                self.failure = f"{key} became {float(value)} at step {step}"
                logging.error("Stopping: %s; the last good checkpoint is kept.", self.failure)
                self.model.stop_training = True
                return


class TimeBudget(keras.callbacks.Callback):
    """Stop after the step at which the run's training wall time (this process's plus what
    the checkpoint it resumed had) reaches `minutes`. Keras then ends the epoch early, so
    `EpochCheckpoint` saves that step and the run exports it: "I have an hour" is a setting."""

    def __init__(self, minutes: float, wall_time_before: float):
        super().__init__()
        self.limit_s = 60.0 * minutes
        self.wall_time_before = wall_time_before
        self.reached = False
        self._start = time.monotonic()

    def on_train_batch_end(self, batch, logs=None):
        if self.wall_time_before + time.monotonic() - self._start >= self.limit_s:
            self.reached = True
            self.model.stop_training = True


class EpochCheckpoint(keras.callbacks.Callback):
    """Save model, both optimizers, the step and the training wall time at every epoch end,
    if losses are finite.

    `wall_time_s` is a variable of the checkpoint: it holds the time trained before this
    process and is advanced before each save. `progress.json` repeats step and time after the
    save, for readers without TensorFlow. `discard=True` (non-chief workers of a cluster) saves
    and deletes at once: the save takes part in the collectives that reading distributed
    variables may need.
    """

    def __init__(self, manager: tf.train.CheckpointManager, wall_time_s: tf.Variable,
                 progress_file: Path | None, discard: bool = False):
        super().__init__()
        self.manager = manager
        self.wall_time_s = wall_time_s
        self.progress_file = progress_file
        self.discard = discard
        self.wall_time_before = float(wall_time_s.numpy())
        self._start = time.monotonic()

    @property
    def saved_wall_time(self) -> float:
        """Training seconds as of the last checkpoint (restored or saved)."""
        return float(self.wall_time_s.numpy())

    def on_epoch_end(self, epoch, logs=None):
        if any(not math.isfinite(float(v)) for v in (logs or {}).values()):
            return
        step = int(self.model.optimizer.iterations.numpy())
        self.wall_time_s.assign(self.wall_time_before + time.monotonic() - self._start)
        path = self.manager.save(checkpoint_number=step)
        if self.discard:
            shutil.rmtree(Path(path).parent, ignore_errors=True)
            return
        files.write_json(self.progress_file, {"step": step, "wall_time_s": self.saved_wall_time})


class EpochSummary(keras.callbacks.Callback):
    """At every epoch end: a PNG grid of samples from fixed noise, and the grid and
    the epoch's loss averages as TensorBoard summaries, indexed by generator step."""

    def __init__(self, out_dir: Path, summary_dir: Path, count: int = 64, picture_fn=None):
        super().__init__()
        self.out_dir = Path(out_dir)
        self.out_dir.mkdir(parents=True, exist_ok=True)
        self.writer = tf.summary.create_file_writer(str(summary_dir))
        self.count = count
        self.picture_fn = picture_fn or self.sample_grid  # model -> uint8 picture

    def sample_grid(self, model):
        labels = None
        if model.conditional:
            labels = np.arange(self.count) % model.num_classes
        samples = imaging.preview_samples(model, self.count, GRID_SEED, labels)
        return imaging.preview(samples, columns=model.num_classes if labels is not None else None)

    def on_epoch_end(self, epoch, logs=None):
        picture = self.picture_fn(self.model)
        step = int(self.model.optimizer.iterations.numpy())
        imaging.save_png(picture, self.out_dir / f"step_{step:07d}.png")
        with self.writer.as_default():
            tf.summary.image("samples", picture[None].astype(np.float32) / 255.0, step=step)
            for key, value in (logs or {}).items():
                tf.summary.scalar(key, float(value), step=step)
        self.writer.flush()
