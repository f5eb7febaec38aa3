"""One training run of a zoo entry: data -> model.fit under a strategy -> checkpoints -> export.

The CLI (`ganzoo.train`) is a thin layer over `run`, which tests call directly.

Work directory:
    config.json      the resolved entry config; a rerun must match it (except train.steps)
    checkpoints/     model (with EMA), both optimizers, step, wall time; one per epoch end
    progress.json    step and wall time of the last checkpoint, for people and scripts
    samples/         a grid PNG per epoch
    tensorboard/     scalars and sample images
    exported.json    the version this run exported, so a finished rerun does not export twice
    quality.json     the quality curve (`--eval_every_minutes`); best/ the weights of its best
    init_from.json   the exported version a warm-started run began from (`init_from`)

On a multi-worker cluster (`TF_CONFIG`), the chief owns all of the above. Other
workers restore from the chief's checkpoints (so the work directory must be on
storage every worker can read) and write their share of each save into a private
scratch folder that is deleted at once (`distribute.WorkerRole`).
"""

import contextlib
import json
import shlex
import shutil
import sys
from dataclasses import dataclass
from pathlib import Path

import keras
import tensorflow as tf
from absl import logging

from ganzoo import config as config_lib
from ganzoo import datasets, export, files, imaging, integrity, paths, zoo
from ganzoo.datasets import prepared
from ganzoo.models import get_family
from ganzoo.models.two_player import make_optimizer
from ganzoo.training import callbacks as cb
from ganzoo.training import lock, quality_curve
from ganzoo.training.distribute import WorkerRole, default_strategy, worker_role, xla_usable


class WorkdirUnusable(RuntimeError):
    """The work directory cannot hold checkpoints (unwritable, or the disk is nearly full)."""


class TrainingFailed(RuntimeError):
    """Training stopped on a non-finite loss; the last good checkpoint is kept."""


@dataclass
class RunResult:
    model: object
    step: int
    wall_time_s: float
    version_dir: Path | None


def run(cfg: config_lib.EntryConfig, *, workdir, models_dir=None, strategy=None,
        export_model=True, verbose=1, command=None, init_from: int | None = None,
        minutes: float | None = None, eval_every_minutes: float | None = None,
        export_best: bool = False) -> RunResult:
    """Train `cfg` in `workdir` (resuming its last checkpoint) and export it.

    `init_from` warm-starts a new run from an exported version of the same entry: its
    weights (generator, EMA generator, discriminator) are the starting point, the
    optimizers start fresh (exports do not keep their state), and `train.steps` counts
    this run's steps; the card adds the version's steps to them and names the version.

    `minutes` is a time budget: training stops after the step at which its wall time (resumed
    time included) reaches it, short of `train.steps` if need be, keeps a checkpoint of that
    step and exports it; the card records the budget. A rerun with a larger budget goes on.
    """
    if minutes is not None and minutes <= 0:
        raise config_lib.ConfigError(f"--minutes must be positive, got {minutes}")
    if eval_every_minutes is not None and eval_every_minutes <= 0:
        raise config_lib.ConfigError(f"--eval_every_minutes must be positive, got "
                                     f"{eval_every_minutes}")
    if export_best and not eval_every_minutes:
        raise config_lib.ConfigError("--export_best picks the best point of the quality curve: "
                                     "give --eval_every_minutes too")
    train = cfg.train
    workdir = Path(workdir)
    strategy = strategy or default_strategy()
    replica_batch, remainder = divmod(train.batch_size, strategy.num_replicas_in_sync)
    pack = getattr(cfg.model, "pack", 1)
    if remainder or replica_batch % pack:
        raise config_lib.ConfigError(
            f"train.batch_size ({train.batch_size}) must split into "
            f"{strategy.num_replicas_in_sync} replica batch(es) that are multiples of "
            f"model.pack ({pack})"
        )
    role = worker_role(strategy)
    own_dir = workdir if role.is_chief else workdir / role.scratch_name
    _check_writable(own_dir)
    with lock.exclusive(own_dir):
        try:
            return _train_and_export(cfg, workdir, models_dir, strategy, export_model, verbose,
                                     command, role, init_from, minutes, eval_every_minutes,
                                     export_best)
        finally:
            if not role.is_chief:
                shutil.rmtree(own_dir, ignore_errors=True)


def _train_and_export(cfg, workdir, models_dir, strategy, export_model, verbose, command,
                      role: WorkerRole, init_from, minutes, eval_every_minutes=None,
                      export_best=False):
    train = cfg.train
    if role.is_chief:
        _claim_workdir(workdir, cfg)
    data = datasets.for_entry(cfg)
    keras.utils.set_random_seed(train.seed)
    model = compiled_model(cfg, strategy)
    # The wall time rides in the checkpoint, so a kill between two files cannot pair one
    # checkpoint with another checkpoint's time (progress.json only mirrors it for people).
    wall_time_s = tf.Variable(0.0, dtype=tf.float64, trainable=False)
    checkpoint = tf.train.Checkpoint(model=model, d_optimizer=model.d_optimizer,
                                     g_optimizer=model.g_optimizer, wall_time_s=wall_time_s)
    manager = tf.train.CheckpointManager(checkpoint, workdir / "checkpoints", max_to_keep=2)
    start = _starting_version(cfg, workdir, models_dir, init_from,
                              resuming=bool(manager.latest_checkpoint), record=role.is_chief)
    if manager.latest_checkpoint:
        checkpoint.restore(manager.latest_checkpoint).assert_existing_objects_matched()
    elif start:
        model.set_weights(start.weights)
        logging.info("Starting %s from the weights of version %d (%d steps; fresh optimizers)",
                     cfg.name, start.version, start.steps)
    step = int(model.g_optimizer.iterations.numpy())
    if step:
        logging.info("Resuming %s from step %d (%s)", cfg.name, step, manager.latest_checkpoint)
    if not role.is_chief:  # restored from the chief's checkpoints; saves go to scratch
        manager = tf.train.CheckpointManager(
            checkpoint, workdir / role.scratch_name / "checkpoints", max_to_keep=1)

    picture_fn = preview_function(cfg, data)
    saver = cb.EpochCheckpoint(manager, wall_time_s,
                               workdir / "progress.json" if role.is_chief else None,
                               discard=not role.is_chief)
    budget = cb.TimeBudget(minutes, saver.saved_wall_time) if minutes else None
    if step < train.steps and not (budget and saver.saved_wall_time >= budget.limit_s):
        nan_guard = cb.StopOnNonFiniteLoss()
        callbacks = [nan_guard, *([budget] if budget else []), saver]
        if role.is_chief:
            callbacks.append(cb.EpochSummary(workdir / "samples", workdir / "tensorboard",
                                             picture_fn=picture_fn))
        if role.is_chief and eval_every_minutes:
            # before the budget's stop is seen by fit's end, after the step it stopped at
            callbacks.insert(0, quality_curve.QualityCurve(
                quality_curve.judge_for(cfg), workdir, eval_every_minutes,
                batch_size=train.batch_size, trained_s_before=saver.saved_wall_time))
        for epochs, initial_epoch, steps_per_epoch in epoch_plan(step, train):
            start_step = int(model.g_optimizer.iterations.numpy())
            batches = model.input_pipeline(data, global_batch_size=train.batch_size,
                                           seed=train.seed, start_step=start_step)
            model.fit(batches, epochs=epochs, initial_epoch=initial_epoch,
                      steps_per_epoch=steps_per_epoch, callbacks=callbacks,
                      verbose=verbose if role.is_chief else 0)
            if model.stop_training:
                break
        if nan_guard.failure:
            raise TrainingFailed(
                f"{cfg.name}: {nan_guard.failure}. Kept checkpoint: {manager.latest_checkpoint}"
            )
        step = int(model.g_optimizer.iterations.numpy())
        if budget and budget.reached:
            logging.info("Time budget of %g min reached at step %d of %d", minutes, step,
                         train.steps)
    wall_time = saver.saved_wall_time

    version_dir = None
    exported = _read_json(workdir / "exported.json", None)
    if export_model and exported and exported["step"] == step:
        version_dir = Path(exported["version_dir"])
        logging.info("Already exported at step %d: %s", step, version_dir)
    elif export_model:
        card = {
            "name": cfg.name,
            "family": cfg.family,
            "data_source": data.source,
            "num_examples": data.num_examples,
            "steps": step + (start.steps if start else 0),
            "batch_size": train.batch_size,
            "replicas": strategy.num_replicas_in_sync,
            "workers": role.num_workers,
            "wall_time_s": round(wall_time, 1),
            **({"time_budget_min": minutes, "planned_steps": train.steps} if minutes else {}),
            "command": command or f"python -m ganzoo.train --name {cfg.name}",
        }
        folder = datasets.prepared_folder(cfg)
        if folder is not None:
            card["data"] = prepared.card_record(folder)
        if start:
            card["initialized_from"] = {"version": start.version, "steps": start.steps,
                                        "optimizers": "fresh"}
        best = quality_curve.restore_best(model, workdir) if export_best else None
        if best:
            card["best_of_curve"] = best
            score = quality_curve.read(workdir)["score"]
            logging.info("Exporting the curve's best point: step %d, %s %.4f", best["step"],
                         score, best[score])
        curve = quality_curve.read(workdir) if eval_every_minutes else None
        if curve:
            card["quality_curve"] = curve
        picture = picture_fn(model) if picture_fn else None
        model = _float32_copy(model, cfg)
        if not role.is_chief:  # joins the chief's saves, keeps nothing
            export.export(model, cfg, workdir / role.scratch_name / "models", card, picture)
            return RunResult(model, step, wall_time, None)
        models_root = paths.export_dir(models_dir)
        version_dir = export.export(model, cfg, models_root, card, picture=picture)
        files.write_json(workdir / "exported.json",
                         {"step": step, "version_dir": str(version_dir)})
        logging.info("Exported %s version %s to %s", cfg.name, version_dir.name, version_dir)
    return RunResult(model, step, wall_time, version_dir)


def epoch_plan(step: int, train) -> list[tuple[int, int, int]]:
    """`fit` calls (epochs, initial_epoch, steps_per_epoch) that take a run from `step` to
    `train.steps`: first the rest of an epoch a time budget cut short, then whole epochs, so
    checkpoints stay on epoch ends and the run ends exactly at `train.steps`."""
    plan = []
    left_in_epoch = -step % train.epoch_steps
    if left_in_epoch and step < train.steps:
        plan.append((1, 0, left_in_epoch))
        step += left_in_epoch
    if step < train.steps:
        plan.append((train.epochs, step // train.epoch_steps, train.epoch_steps))
    return plan


def compiled_model(cfg: config_lib.EntryConfig, strategy: tf.distribute.Strategy):
    """The entry's model, built and compiled under `strategy` exactly as a training run
    does it: configured optimizers and schedule, precision, and XLA where usable."""
    train = cfg.train
    with strategy.scope(), dtype_policy(train.precision):
        model = zoo.build_from_config(cfg)
        model.compile(
            d_optimizer=make_optimizer(train, train.d_learning_rate,
                                       updates_per_step=getattr(cfg.model, "d_steps", 1)),
            g_optimizer=make_optimizer(train, train.g_learning_rate),
            jit_compile=xla_usable(strategy, train.jit_compile),
            steps_per_execution=train.steps_per_execution,
        )
    return model


@contextlib.contextmanager
def dtype_policy(name: str):
    """Keras' global dtype policy while a model is built (layers take it then)."""
    previous = keras.mixed_precision.global_policy()
    keras.mixed_precision.set_global_policy(name)
    try:
        yield
    finally:
        keras.mixed_precision.set_global_policy(previous)


def _float32_copy(model, cfg):
    """The model itself, or for mixed-precision training a float32 twin with its weights
    (variables are float32 either way), so exports and their signatures are float32."""
    if cfg.train.precision == "float32":
        return model
    twin = zoo.build_from_config(cfg)
    twin.set_weights(model.get_weights())
    return twin


def preview_function(cfg, data):
    """model -> preview picture for translation entries (held-out strips); None otherwise."""
    if datasets.kind_for_entry(cfg) != "pairs":
        return None
    try:
        held_out = datasets.for_entry(cfg, "test")
    except (ValueError, RuntimeError):  # no test split here: show training pairs
        held_out = data
    return lambda model: imaging.translation_preview(model, held_out)


MIN_FREE_BYTES = 200 * 2**20  # checkpoints of the largest zoo entries are tens of MB


def _check_writable(workdir: Path) -> None:
    """Fail before any training when checkpoints could not be written."""
    try:
        workdir.mkdir(parents=True, exist_ok=True)
        probe = workdir / ".write-test"
        probe.write_text("ok")
        probe.unlink()
    except OSError as err:
        raise WorkdirUnusable(
            f"cannot write to work directory {workdir}: {err.strerror or err}") from None
    free = shutil.disk_usage(workdir).free
    if free < MIN_FREE_BYTES:
        raise WorkdirUnusable(f"only {free / 2**20:.0f} MB free under {workdir}; checkpoints "
                              f"need at least {MIN_FREE_BYTES / 2**20:.0f} MB")


def _claim_workdir(workdir: Path, cfg: config_lib.EntryConfig) -> None:
    """Check that the work directory belongs to this same experiment, or claim it."""
    saved_path = workdir / "config.json"
    if saved_path.exists():
        saved = _with_defaults(json.loads(saved_path.read_text()), str(saved_path))
        differences = _differences(saved, json.loads(cfg.to_json()))
        differences.discard("train.steps")  # extending a finished run is allowed
        differences.discard("description")  # words, not a training setting
        if differences:
            raise config_lib.ConfigError(
                f"{workdir} holds a run of a different config (differs in "
                f"{', '.join(sorted(differences))}); use another --workdir or the same settings"
            )
    files.write_text(saved_path, cfg.to_json())


@dataclass
class StartingVersion:
    version: int
    steps: int
    weights: list | None  # None once the run has checkpoints of its own


def _starting_version(cfg, workdir: Path, models_dir, init_from: int | None, resuming: bool,
                      record: bool) -> StartingVersion | None:
    """The exported version this run warm-starts from, checked and recorded in the work
    directory, so a rerun of the same command resumes instead of starting over and a
    rerun that names another version is refused."""
    record_path = workdir / "init_from.json"
    recorded = _read_json(record_path, None)
    if init_from is None and recorded is None:
        return None
    if recorded and init_from is not None and init_from != recorded["version"]:
        raise config_lib.ConfigError(
            f"{workdir} was started from version {recorded['version']} of {cfg.name}, "
            f"not {init_from}; use another --workdir")
    if recorded and resuming:
        return StartingVersion(recorded["version"], recorded["steps"], None)
    if resuming:  # its checkpoints would win over the version, and the card would say otherwise
        raise config_lib.ConfigError(
            f"{workdir} holds a run that did not start from version {init_from}; a warm start "
            f"needs a new --workdir")
    version = recorded["version"] if recorded else init_from
    if get_family(cfg.family).grows_with_step:
        raise config_lib.ConfigError(
            f"init_from: {cfg.family}'s growing schedule follows the step count, which a warm "
            f"start restarts; extend the run in its work directory instead")
    entry_dir, _ = zoo.locate(cfg.name, version, models_dir)
    version_dir = entry_dir / str(version)
    saved = _with_defaults(json.loads((version_dir / integrity.CONFIG).read_text()),
                           str(version_dir))
    differences = {key for key in _differences(saved, json.loads(cfg.to_json()))
                   if not key.startswith("train.") and key != "description"}
    if differences:
        raise config_lib.ConfigError(
            f"init_from: version {version} of {cfg.name} ({version_dir}) was built with other "
            f"settings (differs in {', '.join(sorted(differences))})")
    steps = json.loads((version_dir / integrity.CARD).read_text())["steps"]
    weights = zoo.load(cfg.name, version, models_dir).get_weights()
    if record:
        files.write_json(record_path, {"version": version, "steps": steps,
                                       "version_dir": str(version_dir)})
    return StartingVersion(version, steps, weights)


def _with_defaults(saved: dict, where: str) -> dict:
    """The saved config with options added since it was written set to their defaults, so a
    new option does not orphan older work directories."""
    raw = {key: value for key, value in saved.items() if key != "name"}
    try:
        return json.loads(config_lib.from_dict(saved.get("name", ""), raw, where).to_json())
    except (config_lib.ConfigError, KeyError, TypeError):
        return saved  # compared as written; the differences name the keys


def _differences(a, b, prefix="") -> set[str]:
    if isinstance(a, dict) and isinstance(b, dict):
        found = set()
        for key in set(a) | set(b):
            found |= _differences(a.get(key), b.get(key), f"{prefix}{key}.")
        return found
    return set() if a == b else {prefix.rstrip(".")}


def _read_json(path: Path, default):
    return json.loads(path.read_text()) if path.exists() else default


def command_line() -> str:
    return "python -m ganzoo.train " + " ".join(shlex.quote(a) for a in sys.argv[1:])
