"""Seconds per training step of a zoo entry, per strategy and XLA setting.

    python -m ganzoo.bench --name dcgan_mnist

A first step-time measurement (the full benchmark against the TensorFlow DCGAN
tutorial is still to come). It trains on the entry's real data for
--warmup + --steps steps in each setting and prints one line per setting.
"""

import time

from absl import app, flags

flags.DEFINE_multi_string("name", ["dcgan_mnist"], "Zoo entries to time.")
flags.DEFINE_integer("steps", 50, "Timed steps per setting.")
flags.DEFINE_integer("warmup", 10, "Untimed steps first (tracing, XLA compilation).")
FLAGS = flags.FLAGS


def step_time(cfg, strategy, jit_compile, steps, warmup) -> float:
    import keras

    from ganzoo import datasets, zoo
    data = datasets.for_entry(cfg)
    with strategy.scope():
        model = zoo.build_from_config(cfg)
        model.compile(jit_compile=jit_compile)
    batches = model.input_pipeline(data, global_batch_size=cfg.train.batch_size, seed=0)
    model.fit(batches, epochs=1, steps_per_epoch=warmup, verbose=0)
    start = time.perf_counter()
    model.fit(batches, epochs=1, steps_per_epoch=steps, verbose=0)
    keras.backend.clear_session()
    return (time.perf_counter() - start) / steps


def main(argv):
    del argv
    import os

    import tensorflow as tf

    from ganzoo import config

    print(f"{os.cpu_count()} CPU cores, TensorFlow {tf.__version__}")
    print(f"{'entry':<14} {'strategy':<28} {'XLA':<5} {'s/step':>8} {'images/s':>9}")
    for name in FLAGS.name:
        cfg = config.load_entry(name)
        for label, make in (("default (1 device)", tf.distribute.get_strategy),
                            ("MirroredStrategy(['/cpu:0'])",
                             lambda: tf.distribute.MirroredStrategy(["/cpu:0"]))):
            for jit in (True, False):
                seconds = step_time(cfg, make(), jit, FLAGS.steps, FLAGS.warmup)
                images = cfg.train.batch_size * cfg.model.d_steps / seconds
                print(f"{name:<14} {label:<28} {str(jit):<5} {seconds:8.3f} {images:9.0f}",
                      flush=True)


if __name__ == "__main__":
    app.run(main)
