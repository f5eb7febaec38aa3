"""Quality as a curve during training, and the best checkpoint by it (`--eval_every_minutes`,
`--export_best`).

Every M minutes of training a judge measures the model against held-out data:
- a noise-to-image entry's EMA generator draws `samples` images from a fixed seed, and the
  entry's feature judge (`ganzoo.evaluation.feature_judge`, the network `ganzoo.evaluate`
  uses) measures FID, KID and precision/recall (`SampleQuality`);
- a translator translates the test pairs, and `ganzoo.evaluation.translation_judge` measures
  L1 and SSIM to the targets, the style judge's share, the share of outputs nearest their own
  pair and the cycle L1.
Each judge names the one number it ranks points by, lower better (`score`). Each point goes to
TensorBoard (`quality/*`) and to `quality.json` in the work directory, with the step, the
images seen, the training minutes (the pauses to measure excluded), the process's CPU minutes
spent training (what a study of runs sharing one machine compares) and what the measurement
cost. When the score improves, the model's weights are saved to `best/`, so that the export
can take the best point of the run instead of the last: a GAN's last step is often not its best.

The curve is the bench's race (`ganzoo.bench.quality`) run inside `fit`, on any entry.
"""

import json
import time
from pathlib import Path

import keras
import tensorflow as tf
from absl import logging

from ganzoo import files

CURVE_FILE = "quality.json"
BEST_DIR = "best"
CURVE_SEED = 0


class SampleQuality:
    """A noise-to-image model's samples against held-out images, on a feature judge."""

    score, score_label = "fid", "FID"
    columns = ("fid", "kid", "precision", "recall")

    def __init__(self, judge, samples: int = 1000):
        self.judge, self.samples = judge, samples
        self.name = judge.name
        self.described = (f"{samples:,} samples (seed {CURVE_SEED}) against {judge.described}, "
                          f"on the {judge.name.split(':')[0]}")

    def measure(self, model) -> dict:
        return self.judge.measure(model.sample(self.samples, seed=CURVE_SEED))


def judge_for(cfg):
    """The curve's judge for an entry: translation measures for a translator, else its
    samples on the entry's feature judge. ValueError when the entry has neither."""
    from ganzoo import datasets
    from ganzoo.evaluation import feature_judge, translation_judge

    if datasets.evaluator_for_entry(cfg) == "translation":
        return translation_judge.for_entry(cfg)
    return SampleQuality(feature_judge.for_entry(cfg))


class QualityCurve(keras.callbacks.Callback):
    """Measure every `every_minutes` of training time (checked after each step), with a
    judge that has `score`, `score_label`, `columns`, `name`, `described` and
    `measure(model) -> {key: number}`."""

    def __init__(self, judge, workdir: Path, every_minutes: float, *, batch_size: int,
                 trained_s_before: float = 0.0, keep_best: bool = True):
        super().__init__()
        if every_minutes <= 0:
            raise ValueError(f"--eval_every_minutes must be positive, got {every_minutes}")
        self.judge = judge
        self.path = Path(workdir) / CURVE_FILE
        self.best_dir = Path(workdir) / BEST_DIR
        self.every_s = 60.0 * every_minutes
        self.batch_size = batch_size
        self.keep_best = keep_best
        self.record = read(Path(workdir)) or {
            "feature_network": judge.name, "measured": judge.described, "score": judge.score,
            "score_label": judge.score_label, "columns": list(judge.columns),
            "every_minutes": every_minutes, "points": [], "best": None}
        self.score = self.record["score"]
        points = self.record["points"]
        self.eval_s = sum(p["eval_s"] for p in points)
        self.trained_before = trained_s_before - self.eval_s  # what checkpoints counted as time
        self._start = time.monotonic()
        self._eval_here = 0.0
        # CPU time of every thread of this process; before a resume, the last point's (the
        # CPU spent after it and before the interruption is not counted).
        self.cpu_before = points[-1].get("cpu_minutes", 0.0) * 60.0 if points else 0.0
        self._cpu_start = time.process_time()
        self._eval_cpu_here = 0.0
        self._writer = None
        self.next_at = (points[-1]["train_minutes"] * 60.0 if points else 0.0) + self.every_s

    def training_seconds(self) -> float:
        return self.trained_before + time.monotonic() - self._start - self._eval_here

    @property
    def keys(self) -> list[str]:
        """The score first, then the judge's other columns, each once."""
        return list(dict.fromkeys((self.score, *self.record["columns"])))

    def training_cpu_seconds(self) -> float:
        return self.cpu_before + time.process_time() - self._cpu_start - self._eval_cpu_here

    def on_train_batch_end(self, batch, logs=None):
        if self.training_seconds() >= self.next_at:
            self.measure()

    def on_train_end(self, logs=None):
        """The run's last step is a point too, unless it was just measured."""
        points = self.record["points"]
        step = int(self.model.optimizer.iterations.numpy())
        if not points or points[-1]["step"] != step:
            self.measure()

    def measure(self) -> dict:
        started, started_cpu = time.monotonic(), time.process_time()
        trained = self.training_seconds()
        cpu_minutes = round(self.training_cpu_seconds() / 60.0, 2)
        step = int(self.model.optimizer.iterations.numpy())
        measures = self.judge.measure(self.model)
        if not self.record["columns"]:  # a judge whose columns depend on the model
            self.record["columns"] = list(measures)
        point = {"step": step, "images_seen": step * self.batch_size,
                 "train_minutes": round(trained / 60.0, 2), "cpu_minutes": cpu_minutes,
                 **measures}
        best = self.record["best"]
        improved = best is None or point[self.score] < best[self.score]
        if improved and self.keep_best:
            self._save_best(step)
        point["eval_s"] = round(time.monotonic() - started, 1)
        self._eval_here += point["eval_s"]
        self._eval_cpu_here += time.process_time() - started_cpu
        self.eval_s += point["eval_s"]
        if improved:
            self.record["best"] = {k: point[k] for k in ("step", "images_seen", "train_minutes",
                                                         *self.keys) if k in point}
        self.record["points"].append(point)
        self.record["eval_share"] = round(self.eval_s / max(trained + self.eval_s, 1e-9), 4)
        files.write_json(self.path, self.record)
        self._summarise(point)
        self.next_at = trained + self.every_s
        logging.info("quality at step %d (%.1f min): %s%s", step, trained / 60,
                     ", ".join(f"{k} {point[k]:.4f}" for k in self.keys if k in point),
                     " (best)" if improved else "")
        return point

    def _save_best(self, step: int) -> None:
        """The model's weights (EMA generator included) at this step, replacing the last
        best only once the new one is whole."""
        partial = self.best_dir.with_name(f"{BEST_DIR}.partial")
        partial.mkdir(parents=True, exist_ok=True)
        self.model.save_weights(str(partial / "model.weights.h5"), overwrite=True)
        files.write_json(partial / "step.json", {"step": step})
        if self.best_dir.exists():
            old = self.best_dir.with_name(f"{BEST_DIR}.old")
            self.best_dir.rename(old)
            partial.rename(self.best_dir)
            for leftover in old.iterdir():
                leftover.unlink()
            old.rmdir()
        else:
            partial.rename(self.best_dir)

    def _summarise(self, point: dict) -> None:
        if self._writer is None:  # one writer for the run, made at the first point
            self._writer = tf.summary.create_file_writer(str(self.path.parent / "tensorboard"))
        writer = self._writer
        with writer.as_default():
            for key in self.keys:
                if key in point:
                    tf.summary.scalar(f"quality/{key}", point[key], step=point["step"])
        writer.flush()


def read(workdir: Path) -> dict | None:
    path = Path(workdir) / CURVE_FILE
    return upgraded(json.loads(path.read_text())) if path.is_file() else None


def upgraded(record: dict) -> dict:
    """A curve written before judges named their score (FID curves of samples only, such as
    fastgan_twemoji v1's card), in today's form."""
    if "score" in record:
        return record
    measured = (f"{record['samples']:,} samples (seed {record['seed']}) against "
                f"{record['reference']}, on the {record['feature_network'].split(':')[0]}")
    return {**record, "measured": measured, "score": SampleQuality.score,
            "score_label": SampleQuality.score_label, "columns": list(SampleQuality.columns)}


def restore_best(model, workdir: Path) -> dict | None:
    """Load the best point's weights into `model`; its curve point, or None without one."""
    record = read(workdir)
    weights = Path(workdir) / BEST_DIR / "model.weights.h5"
    if not record or not record.get("best") or not weights.is_file():
        return None
    model.load_weights(str(weights))
    return record["best"]
