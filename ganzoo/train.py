"""Train a zoo entry: `python -m ganzoo.train --name cgan_mnist`.

Rerunning the same command resumes from the last checkpoint in --workdir.
Overrides: `--set model.latent_dim=64 --set train.d_learning_rate=1e-4`.
"""

import sys

from absl import app, flags, logging

flags.DEFINE_string("name", None, "Zoo entry to train (see `ganzoo.list_models()`).")
flags.DEFINE_integer("steps", None, "Generator steps in total (overrides train.steps).")
flags.DEFINE_integer("epochs", None, "Epochs of train.steps_per_epoch steps (alternative to --steps).")
flags.DEFINE_integer("batch_size", None, "Global batch size (overrides train.batch_size).")
flags.DEFINE_integer("seed", None, "Seed for weights, data order and noise (overrides train.seed).")
flags.DEFINE_string("workdir", None, "Checkpoints, sample grids, TensorBoard logs. Default: runs/<name>.")
flags.DEFINE_string("models_dir", None, "Where to export the trained model. Default: $GANZOO_MODELS_DIR "
                    "or the zoo's saved_models/.")
flags.DEFINE_multi_string("set", [], "Config override section.key=value, repeatable.")
flags.DEFINE_integer("init_from", None, "Warm start: begin from the weights of this exported version "
                     "of the entry (fresh optimizers; --steps counts the new steps).")
flags.DEFINE_boolean("export", True, "Export the model into the models directory at the end.")
flags.mark_flag_as_required("name")
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
    return overrides


def main(argv):
    if len(argv) > 1:
        raise app.UsageError(f"unexpected arguments: {argv[1:]}")
    from ganzoo import config
    from ganzoo.training import lock, runner

    try:
        overrides = overrides_from_flags()
        cfg = config.load_entry(FLAGS.name, overrides)
        if FLAGS.epochs is not None:
            overrides["train.steps"] = FLAGS.epochs * cfg.train.epoch_steps
            cfg = config.load_entry(FLAGS.name, overrides)
    except (KeyError, ValueError) as err:
        print(f"error: {err.args[0] if isinstance(err, KeyError) else err}", file=sys.stderr)
        return 2
    workdir = FLAGS.workdir or f"runs/{cfg.name}"
    logging.info("Training %s (%s on %s) in %s", cfg.name, cfg.family, cfg.dataset, workdir)
    try:
        result = runner.run(cfg, workdir=workdir, models_dir=FLAGS.models_dir,
                            export_model=FLAGS.export, command=runner.command_line(),
                            init_from=FLAGS.init_from)
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
