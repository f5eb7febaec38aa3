"""Time to quality: training wall time until a recipe's samples reach a fixed FID.

FID here is on the zoo MNIST classifier's penultimate features (the feature
network `ganzoo.evaluate` uses for digit entries), 1,000 samples against the
500 held-out embedded digits, measured every `eval_every` steps. Only training
time counts; the pauses to measure do not.
"""

import time

import keras

from ganzoo.evaluation.feature_judge import FeatureJudge

SAMPLES = 1000


def race(train_chunk, sample, judge: FeatureJudge, threshold: float, budget_s: float) -> dict:
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


def zoo_recipe(name: str, judge: FeatureJudge, threshold: float, budget_s: float,
               eval_every: int, overrides: dict | None = None) -> dict:
    """Entry `name` as configured (networks, optimizers, schedule, EMA, XLA, precision),
    through `fit`; `overrides` changes config keys (e.g. train.precision)."""
    import tensorflow as tf

    from ganzoo import config, datasets
    from ganzoo.training.runner import compiled_model

    cfg = config.load_entry(name, overrides)
    data = datasets.for_entry(cfg)
    keras.utils.set_random_seed(cfg.train.seed)
    model = compiled_model(cfg, tf.distribute.get_strategy())
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


def tutorial_recipe(judge: FeatureJudge, threshold: float, budget_s: float,
                    eval_every: int) -> dict:
    from ganzoo.bench import tutorial
    from ganzoo.datasets import mnist

    loop = tutorial.TutorialLoop(mnist.embedded_arrays("train")[0])
    result = race(lambda: loop.train_for(eval_every)[0], lambda: loop.sample(SAMPLES, seed=0),
                  judge, threshold, budget_s)
    keras.backend.clear_session()
    return {"recipe": f"TF DCGAN tutorial (its networks and loop, batch {tutorial.BATCH_SIZE})",
            **result}
