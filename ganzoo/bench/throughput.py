"""Training images per second through `model.fit`, per entry and per setting.

"Images" are real training examples consumed: batch x discriminator steps per
generator step for noise-to-image entries, the batch for translation entries.
"""

import statistics
import time
from dataclasses import dataclass

import keras

from ganzoo.bench.peaks import achieved, train_step_flops


@dataclass(frozen=True)
class Setting:
    jit_compile: bool = True
    precision: str = "float32"  # or "mixed_bfloat16" (Keras mixed precision)

    @property
    def label(self) -> str:
        return f"{self.precision}, XLA {'on' if self.jit_compile else 'off'}"


class _TrainingClock(keras.callbacks.Callback):
    """When `fit` finished its last step (its `on_train_end`)."""

    def on_train_end(self, logs=None):
        self.ended = time.perf_counter()


def fit_seconds_per_step(model, batches, steps: int, warmup: int) -> float:
    """Seconds per step of `fit`, from its call to its `on_train_end`.

    The clock stops before `fit` returns, so the input iterator's teardown, which a training
    run pays once, is not spread over a short timing window (it used to stall for seconds:
    see `ganzoo.datasets.pipeline._finish`).
    """
    if warmup:
        model.fit(batches, epochs=1, steps_per_epoch=warmup, verbose=0)  # tracing, XLA compile
    clock = _TrainingClock()
    start = time.perf_counter()
    model.fit(batches, epochs=1, steps_per_epoch=steps, verbose=0, callbacks=[clock])
    return (clock.ended - start) / steps


def entry_images_per_second(name: str, setting: Setting | None, steps: int, warmup: int,
                            overrides: dict | None = None, peaks: dict | None = None) -> dict:
    """Time `fit` on zoo entry `name`, built and compiled as a training run builds it
    (`runner.compiled_model`), on its real data; `setting` overrides its precision and
    XLA switch (None: the entry's own), `overrides` any other config key. With the machine's
    matmul `peaks` ({"float32": GFLOP/s, "bfloat16": ...}), also the step's FLOPs and their
    share of the peak (`bench.peaks`)."""
    cfg, model, batches = built_entry(name, setting, overrides)
    setting = Setting(cfg.train.jit_compile, cfg.train.precision)
    seconds = fit_seconds_per_step(model, batches, steps, warmup)
    flops = peaks and train_step_flops(model, batches)
    keras.backend.clear_session()
    per_step = cfg.train.batch_size * getattr(cfg.model, "d_steps", 1)
    row = {"entry": name, "family": cfg.family, "setting": setting.label,
           "batch_size": cfg.train.batch_size, "seconds_per_step": round(seconds, 4),
           "images_per_second": round(per_step / seconds, 1)}
    return achieved(row, flops, peaks) if peaks else row


def built_entry(name: str, setting: Setting | None, overrides: dict | None = None):
    """(config, model, batches) of zoo entry `name` (or of an entry file, `name` ending in
    .toml), built and compiled as a training run builds it (`runner.compiled_model`), on its
    real data, seed 0."""
    import tensorflow as tf

    from ganzoo import config, datasets
    from ganzoo.training.runner import compiled_model

    overrides = dict(overrides or {})
    if setting is not None:
        overrides.update({"train.precision": setting.precision,
                          "train.jit_compile": setting.jit_compile})
    cfg = (config.load_entry_file(name, overrides) if str(name).endswith(".toml")
           else config.load_entry(name, overrides))
    data = datasets.for_entry(cfg)
    keras.utils.set_random_seed(0)
    model = compiled_model(cfg, tf.distribute.get_strategy())
    return cfg, model, model.input_pipeline(data, global_batch_size=cfg.train.batch_size, seed=0)


TUTORIAL = "TF DCGAN tutorial loop (tf.function, as published)"


def tutorial_trainers(settings, warmup_epochs: int = 1) -> dict:
    """The tutorial's own loop and ganzoo's `fit` on the identical networks and algorithm,
    both on the embedded MNIST training digits, batch 256, ganzoo in each of `settings`;
    built and warmed up (traced, compiled).

    Returns {name: train}, where `train(steps)` runs that many steps and returns (seconds,
    real images seen). The tutorial's name is `TUTORIAL`, first.
    """
    from ganzoo import datasets
    from ganzoo.bench import tutorial
    from ganzoo.datasets import mnist

    train_images = mnist.embedded_arrays("train")[0]
    loop = tutorial.TutorialLoop(train_images)
    steps_per_epoch = -(-len(train_images) // tutorial.BATCH_SIZE)
    loop.train_for(warmup_epochs * steps_per_epoch)  # both traces (full and last batch)
    trainers = {TUTORIAL: loop.train_for}
    data = datasets.load("mnist", "train")
    for setting in settings:
        keras.utils.set_random_seed(0)
        model = tutorial.ganzoo_model(setting.jit_compile, setting.precision)
        batches = model.input_pipeline(data, global_batch_size=tutorial.BATCH_SIZE, seed=0)
        model.fit(batches, epochs=1, steps_per_epoch=3, verbose=0)  # tracing, XLA compile

        def train_with_fit(steps, model=model, batches=batches):
            seconds = fit_seconds_per_step(model, batches, steps, warmup=0) * steps
            return seconds, tutorial.BATCH_SIZE * steps

        trainers[f"ganzoo model.fit, same networks and step, {setting.label}"] = train_with_fit
    return trainers


def tutorial_comparison(trainers: dict, steps: int, rounds: int = 3) -> list[dict]:
    """Images per second of each of `tutorial_trainers`, and each one's ratio to the
    tutorial's loop.

    The trainers are timed in turn for `rounds` rounds (A, B, C, A, B, C, ...): on a shared
    2-core machine the speed drifts by tens of percent within minutes, and interleaving puts
    every trainer through the same drift. Each reports its median round, and its ratio is
    the median of its per-round ratios to the tutorial's round beside it, with their range:
    where the range straddles 1, the two are equal within this machine's noise.
    """
    timings = {name: [] for name in trainers}
    for _ in range(rounds):
        for name, train in trainers.items():
            seconds, images = train(steps)
            timings[name].append((seconds / steps, images / seconds))
    tutorial_rounds = [images for _, images in timings[TUTORIAL]]
    rows = []
    for name, runs in timings.items():
        seconds, images = sorted(runs)[len(runs) // 2]  # the median round
        ratios = sorted(i / t for (_, i), t in zip(runs, tutorial_rounds))
        rows.append({"trainer": name, "seconds_per_step": round(seconds, 4),
                     "images_per_second": round(images, 1),
                     "ratio_to_tutorial": round(statistics.median(ratios), 3),
                     "ratio_range": f"{ratios[0]:.3f}-{ratios[-1]:.3f}",
                     "rounds_images_per_second": [round(i, 1) for _, i in runs]})
    return rows
