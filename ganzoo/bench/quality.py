"""Time to quality: training wall time until a recipe's samples reach a fixed FID.

FID here is on the zoo MNIST classifier's penultimate features (the feature
network `ganzoo.evaluate` uses for digit entries), 1,000 samples against the
500 held-out embedded digits, measured every `eval_every` steps. Only training
time counts; the pauses to measure do not.
"""

import time

import keras
import numpy as np

from ganzoo import metrics
from ganzoo.evaluation import digit_classifier, image_metrics

SAMPLES = 1000


class FidJudge:
    def __init__(self):
        from ganzoo.datasets import mnist

        self.classifier = digit_classifier.load()
        held_out = mnist.embedded_arrays("test")[0].astype(np.float32) / 127.5 - 1.0
        self.reference, _ = image_metrics.classifier_features(self.classifier, held_out)

    def fid(self, images: np.ndarray) -> float:
        features, _ = image_metrics.classifier_features(self.classifier, images)
        return float(metrics.frechet_classifier_distance_from_activations(self.reference,
                                                                          features))


def race(train_chunk, sample, judge: FidJudge, threshold: float, budget_s: float) -> dict:
    """Alternate `train_chunk()` (returns the seconds it trained) and a FID measurement until
    FID <= threshold or the training time exceeds `budget_s`."""
    trained, curve = 0.0, []
    while trained < budget_s:
        trained += train_chunk()
        fid = judge.fid(sample())
        curve.append((round(trained, 1), round(fid, 1)))
        if fid <= threshold:
            return {"reached": True, "seconds": round(trained, 1), "curve": curve}
    return {"reached": False, "seconds": None, "curve": curve}


def zoo_recipe(name: str, judge: FidJudge, threshold: float, budget_s: float,
               eval_every: int, overrides: dict | None = None) -> dict:
    """Entry `name` as configured (networks, optimizers, schedule, EMA, XLA, precision),
    through `fit`; `overrides` changes config keys (e.g. train.precision)."""
    from ganzoo import config, datasets, zoo
    from ganzoo.training.runner import dtype_policy, make_optimizer

    cfg = config.load_entry(name, overrides)
    data = datasets.for_entry(cfg)
    keras.utils.set_random_seed(cfg.train.seed)
    with dtype_policy(cfg.train.precision):
        model = zoo.build_from_config(cfg)
    model.compile(d_optimizer=make_optimizer(cfg.train, cfg.train.d_learning_rate),
                  g_optimizer=make_optimizer(cfg.train, cfg.train.g_learning_rate),
                  jit_compile=cfg.train.jit_compile)
    batches = model.input_pipeline(data, global_batch_size=cfg.train.batch_size,
                                   seed=cfg.train.seed)

    def train_chunk():
        start = time.perf_counter()
        model.fit(batches, epochs=1, steps_per_epoch=eval_every, verbose=0)
        return time.perf_counter() - start

    result = race(train_chunk, lambda: model.sample(SAMPLES, seed=0), judge, threshold, budget_s)
    keras.backend.clear_session()
    changed = ", ".join(f"{k}={v}" for k, v in (overrides or {}).items()) or "its zoo config"
    return {"recipe": f"ganzoo {name} ({changed}, batch {cfg.train.batch_size})", **result}


def tutorial_recipe(judge: FidJudge, threshold: float, budget_s: float, eval_every: int) -> dict:
    from ganzoo.bench import tutorial
    from ganzoo.datasets import mnist

    loop = tutorial.TutorialLoop(mnist.embedded_arrays("train")[0])
    result = race(lambda: loop.train_for(eval_every)[0], lambda: loop.sample(SAMPLES, seed=0),
                  judge, threshold, budget_s)
    keras.backend.clear_session()
    return {"recipe": f"TF DCGAN tutorial (its networks and loop, batch {tutorial.BATCH_SIZE})",
            **result}
