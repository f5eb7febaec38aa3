"""Train a zoo entry: `python -m ganzoo.train --name cgan_mnist`.

On your own images: `python -m ganzoo.train --name dcgan_celeba --data img_align_celeba.zip`,
or an entry file kept anywhere: `python -m ganzoo.train --config my_faces.toml`
(docs/your-own-images.md). Rerunning the same command resumes from the last
checkpoint in --workdir.
Overrides: `--set model.latent_dim=64 --set train.d_learning_rate=1e-4`.
"""

import sys
from pathlib import Path

from absl import app, flags, logging

flags.DEFINE_string("name", None, "Zoo entry to train (see `ganzoo.list_models()`).")
flags.DEFINE_string("config", None, "An entry file (TOML) kept anywhere, instead of --name; "
                    "`base = \"dcgan_celeba\"` in it starts from that zoo entry.")
flags.DEFINE_string("data", None, "Train on your own images: a folder, a zip or tar archive, or a "
                    "set made by `python -m ganzoo.prepare` (sets data.path).")
flags.DEFINE_integer("steps", None, "Generator steps in total (overrides train.steps).")
flags.DEFINE_integer("epochs", None,
                     "Epochs of train.steps_per_epoch steps (alternative to --steps).")
flags.DEFINE_integer("batch_size", None, "Global batch size (overrides train.batch_size).")
flags.DEFINE_integer("seed", None, "Seed for weights, data order and noise (overrides train.seed).")
flags.DEFINE_string("workdir", None,
                    "Checkpoints, sample grids, TensorBoard logs. Default: runs/<name>.")
flags.DEFINE_string("models_dir", None,
                    "Where to export the trained model. Default: $GANZOO_MODELS_DIR, else the "
                    "user models directory for your own data and entry files, else the zoo's "
                    "saved_models/.")
flags.DEFINE_multi_string("set", [], "Config override section.key=value, repeatable.")
flags.DEFINE_integer("init_from", None,
                     "Warm start: begin from the weights of this exported version of the entry "
                     "(fresh optimizers; --steps counts the new steps).")
flags.DEFINE_float("minutes", None,
                   "Time budget: stop training after this many minutes of wall time (resumed "
                   "time included), keep a checkpoint and export; the card records it.")
flags.DEFINE_float("eval_every_minutes", None,
                   "Quality curve: every this many minutes of training, FID/KID/recall of 1,000 "
                   "samples against held-out images, to quality.json and TensorBoard.")
flags.DEFINE_boolean("export_best", False,
                     "Export the best point of the quality curve instead of the last step "
                     "(needs --eval_every_minutes); the card names its step.")
flags.DEFINE_boolean("export", True, "Export the model into the models directory at the end.")
FLAGS = flags.FLAGS


def overrides_from_flags() -> dict:
    from ganzoo.config import ConfigError, parse_override

    overrides = dict(parse_override(text) for text in FLAGS.set)
    if FLAGS.steps is not None and FLAGS.epochs is not None:
        raise ConfigError("give --steps or --epochs, not both")
    for flag, key in (("steps", "train.steps"), ("batch_size", "train.batch_size"),
                      ("seed", "train.seed")):
        if getattr(FLAGS, flag) is not None:
            overrides[key] = getattr(FLAGS, flag)
    if FLAGS.data is not None:
        overrides["data.path"] = str(Path(FLAGS.data).expanduser().resolve())
    return overrides


def entry_from_flags(overrides: dict):
    from ganzoo import config

    if bool(FLAGS.name) == bool(FLAGS.config):
        raise config.ConfigError("give --name ENTRY or --config FILE (one of them)")
    if FLAGS.config:
        return config.load_entry_file(FLAGS.config, overrides)
    return config.load_entry(FLAGS.name, overrides)


def main(argv):
    if len(argv) > 1:
        raise app.UsageError(f"unexpected arguments: {argv[1:]}")
    from ganzoo.training import lock, runner

    try:
        overrides = overrides_from_flags()
        cfg = entry_from_flags(overrides)
        if FLAGS.epochs is not None:
            overrides["train.steps"] = FLAGS.epochs * cfg.train.epoch_steps
            cfg = entry_from_flags(overrides)
    except (KeyError, ValueError) as err:
        print(f"error: {err.args[0] if isinstance(err, KeyError) else err}", file=sys.stderr)
        return 2
    workdir = FLAGS.workdir or f"runs/{cfg.name}"
    from ganzoo import datasets

    logging.info("Training %s (%s on %s) in %s", cfg.name, cfg.family, datasets.described(cfg),
                 workdir)
    try:
        result = runner.run(cfg, workdir=workdir, models_dir=FLAGS.models_dir,
                            export_model=FLAGS.export, command=runner.command_line(),
                            init_from=FLAGS.init_from, minutes=FLAGS.minutes,
                            eval_every_minutes=FLAGS.eval_every_minutes,
                            export_best=FLAGS.export_best)
    except (runner.TrainingFailed, runner.WorkdirUnusable, lock.WorkdirBusy, ValueError,
            FileNotFoundError) as err:  # FileNotFoundError: --init_from names no version
        logging.error("%s", err)
        return 1
    if result.version_dir:
        print(f"{cfg.name}: {result.step} steps, {result.wall_time_s / 60:.1f} min; "
              f"exported to {result.version_dir}")
    return 0


def run():
    app.run(main)


if __name__ == "__main__":
    run()
