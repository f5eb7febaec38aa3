"""Writing a trained model into the models directory, one immutable version at a time.

    <models_dir>/<name>/<version>/saved_model.pb, variables/   TF Serving reads these
    <models_dir>/<name>/<version>/ganzoo/model.keras            `ganzoo.load` reads this
    <models_dir>/<name>/<version>/ganzoo/config.json            resolved entry config
    <models_dir>/<name>/<version>/ganzoo/card.json              provenance and checks
    <models_dir>/<name>/<version>/ganzoo/samples.png
    <models_dir>/<name>/README.md                               model card of the newest version

A version is assembled in a hidden temporary folder and renamed into place, so
a crash never leaves a half-written version, and an existing version is never
overwritten: each export takes the next free number.

Training exports by itself. To export a trained version again (with the current code's
signatures and card), as the next version of its entry:

    python -m ganzoo.export --name dcgan_mnist --models_dir ~/my_zoo
"""

import datetime
import json
import os
import platform
import shutil
import uuid
from pathlib import Path

import keras
import numpy as np
import tensorflow as tf

from ganzoo import files, imaging, integrity, serving
from ganzoo.integrity import KERAS_FILE, available_versions
from ganzoo.training import quality_curve

SAMPLE_SEED = 0


def write_saved_model(model, directory: Path) -> None:
    """Write the serving graph with each weight stored once.

    `ExportArchive.track(layer)` lists Keras variable wrappers while the endpoints
    capture the `tf.Variable`s inside them; TensorFlow cannot tell they are the
    same, and writes every weight twice: twice the files and twice the memory in
    TF Serving (keras-team/keras#23553). The endpoints track the variables they
    use; the reloadable collections are given those same `tf.Variable`s.
    """
    archive = keras.export.ExportArchive()
    for name, (fn, signature) in model.serving_signatures().items():
        archive.add_endpoint(name, fn, input_signature=signature)
    generators = model.exported_generators()
    for collection in ("variables", "trainable_variables", "non_trainable_variables"):
        archive.add_variable_collection(
            collection, [_tf_variable(v) for g in generators for v in getattr(g, collection)])
    archive.write_out(str(directory), verbose=False)


def _tf_variable(variable) -> tf.Variable:
    # A Keras variable on the TensorFlow backend holds its tf.Variable as `.value`
    # (outside an autocast scope).
    value = variable.value
    if not isinstance(value, tf.Variable):
        raise TypeError(f"{variable.path} is not backed by a tf.Variable")
    return value


def export(model, cfg, models_dir: Path, card: dict, picture: np.ndarray | None = None,
           keras_file: Path | None = None) -> Path:
    """Write `model` as the next version of entry `cfg.name`; return the version folder.

    `picture` (uint8) is the version's preview; by default a grid of samples.
    `keras_file`, when given, is shipped byte for byte instead of saving `model`
    again: a re-export then provably carries the same weights, and the repository
    stores the file once.
    """
    entry_dir = Path(models_dir) / cfg.name
    entry_dir.mkdir(parents=True, exist_ok=True)
    staging = entry_dir / f".tmp-{uuid.uuid4().hex}"
    try:
        write_saved_model(model, staging)
        extras = staging / KERAS_FILE.parent
        extras.mkdir()
        if keras_file is None:
            _inference_copy(model).save(staging / KERAS_FILE)
        else:
            shutil.copyfile(keras_file, staging / KERAS_FILE)
        (staging / integrity.CONFIG).write_text(cfg.to_json())
        imaging.save_png(sample_grid(model) if picture is None else picture,
                         staging / integrity.SAMPLES)
        serving.write_warmup_requests(model, staging, cfg.name)
        # The card (with every file's checksum) is complete before the version appears;
        # only its version number is filled in after the rename claims one.
        card = dict(card, version=None, files=integrity.checksums(staging), **_environment())
        (staging / integrity.CARD).write_text(json.dumps(card, indent=2))
        version = _claim_version(entry_dir, staging)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    version_dir = entry_dir / str(version)
    files.write_text(version_dir / integrity.CARD,
                     json.dumps(dict(card, version=version), indent=2))
    write_model_card(entry_dir)
    serving.write_model_server_config(models_dir)
    return version_dir


def _claim_version(entry_dir: Path, staging: Path) -> int:
    """Rename `staging` to the next free version number; never replace one."""
    taken = [int(p.name) for p in entry_dir.iterdir() if p.name.isdigit()]
    version = max(taken, default=0) + 1
    while True:
        try:
            os.rename(staging, entry_dir / str(version))  # fails if the target exists
            return version
        except OSError:
            if not (entry_dir / str(version)).exists():
                raise
            version += 1


def _inference_copy(model):
    """The same GAN rebuilt uncompiled: no optimizer state in the shipped file."""
    copy = type(model).from_config(model.get_config())
    copy.set_weights(model.get_weights())
    return copy


def sample_grid(model) -> np.ndarray:
    """The 10 x 10 grid a card shows, from a fixed seed (classes in turn for a conditional
    model): the shipped-model test redraws it to see that the code still samples alike."""
    if not hasattr(model, "sample"):
        raise ValueError(f"{type(model).__name__} draws no samples: pass export(..., picture=...)")
    labels = np.arange(100) % model.num_classes if model.conditional else None
    return imaging.preview(imaging.preview_samples(model, 100, SAMPLE_SEED, labels), columns=10)


def _environment() -> dict:
    return {
        "exported_at": datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds"),
        "tensorflow": tf.__version__,
        "keras": keras.__version__,
        "machine": f"{platform.machine()}, {os.cpu_count()} CPU cores",
    }


def _nested_list(values: dict, depth: int = 0) -> list[str]:
    """Markdown list of a check report; groups (a direction, a metric family) nest."""
    lines = []
    for key, value in values.items():
        if isinstance(value, dict):
            lines.append(f"{'  ' * depth}- {key}:")
            lines += _nested_list(value, depth + 1)
        else:
            lines.append(f"{'  ' * depth}- {key}: {value}")
    return lines


HISTORY = "HISTORY.md"  # beside the versions: the entry's trials and versions, kept by hand


def write_model_card(entry_dir: Path) -> Path:
    """Render `<entry>/README.md` from the newest version's card.json (and HISTORY.md)."""
    out = entry_dir / "README.md"
    out.write_text(model_card(entry_dir))
    return out


def model_card(entry_dir: Path) -> str:
    """The text of `<entry>/README.md`, from the newest version's card.json and HISTORY.md."""
    versions = available_versions(entry_dir)
    version_dir = entry_dir / str(versions[-1])
    card = json.loads((version_dir / integrity.CARD).read_text())
    cfg = json.loads((version_dir / integrity.CONFIG).read_text())
    lines = [
        f"# {entry_dir.name} (version {card['version']})",
        "",
        cfg.get("description", ""),
        "",
        f"![samples]({card['version']}/ganzoo/samples.png)",
        "",
        "| | |",
        "|---|---|",
        f"| family | `{cfg['family']}` |",
        f"| data | {card['data_source']}, {card['num_examples']:,} examples |",
        f"| training | {card['steps']:,} steps of batch {card['batch_size']} "
        f"({card['replicas']} replica(s)), {card['wall_time_s'] / 60:.1f} min wall time |",
        f"| machine | {card['machine']}; TensorFlow {card['tensorflow']}, Keras {card['keras']} |",
        f"| trained by | `{card['command']}` |",
    ]
    if card.get("time_budget_min"):
        lines.append(f"| time budget | {card['time_budget_min']:g} min (`--minutes`), of "
                     f"{card['planned_steps']:,} planned steps |")
    best = card.get("best_of_curve")
    if best:
        curve = quality_curve.upgraded(card["quality_curve"])
        lines.append(f"| exported | the quality curve's best point: step {best['step']:,} "
                     f"({best['train_minutes']:g} min, {best['images_seen']:,} images), "
                     f"{curve['score_label']} {best[curve['score']]:.4g} (`--export_best`) |")
    start = card.get("initialized_from")
    if start:  # the wall time above is this run's alone
        lines.append(f"| warm start | from version {start['version']} ({start['steps']:,} steps), "
                     f"fresh optimizers; the wall time is the last "
                     f"{card['steps'] - start['steps']:,} steps' |")
    lines.append("")
    data = card.get("data")
    if data:  # trained on image files: where they came from and what preparing them did
        lines += ["## Data", "", f"Prepared from `{data['source']}` ({data['source_kind']}, "
                  f"{data['layout']} layout, {data['size']} px, crop `{data['crop']}`); "
                  f"manifest SHA-256 `{data['manifest_sha256']}`.", ""]
        lines += _nested_list({key: data[key] for key in
                               ("class_names", "counts", "conversions", "skipped_examples")
                               if data.get(key)})
        lines.append("")
    lines += quality_curve_section(card)
    checks = card.get("checks") or {}
    if checks:
        lines += ["## Checks", "", f"Measured by `{checks.get('command', '?')}`:", ""]
        lines += _nested_list({k: v for k, v in checks.items() if k != "command"})
        lines.append("")
    history = entry_dir / HISTORY
    if history.is_file():  # trials and earlier versions, written by hand, kept across renders
        lines += ["## History", "", history.read_text().strip(), ""]
    lines += [
        "## Files (SHA-256)",
        "",
        *[f"- `{card['version']}/{path}`: `{digest}`" for path, digest in card["files"].items()],
        "",
    ]
    return "\n".join(lines)


def quality_curve_section(card: dict) -> list[str]:
    """The card's table of the quality curve measured during training (`--eval_every_minutes`)."""
    curve = card.get("quality_curve")
    if not curve or not curve.get("points"):
        return []
    curve = quality_curve.upgraded(curve)
    keys = list(dict.fromkeys((curve["score"], *curve["columns"])))
    lines = ["## Quality curve", "",
             f"Measured during training every {curve['every_minutes']:g} min: "
             f"{curve['measured']}. The best point has the lowest {curve['score_label']}. "
             f"Measuring took {curve.get('eval_share', 0):.1%} of the run.", "",
             f"| step | images seen | training min | {' | '.join(keys)} |",
             f"|---|---|---|{'---|' * len(keys)}"]
    best_step = (curve.get("best") or {}).get("step")
    for point in curve["points"]:
        mark = " (best)" if point["step"] == best_step else ""
        values = " | ".join(f"{point[k]:.4f}" if point.get(k) is not None else "-"
                            for k in keys)
        lines.append(f"| {point['step']:,}{mark} | {point['images_seen']:,} | "
                     f"{point['train_minutes']:g} | {values} |")
    return [*lines, ""]


def reexport(name: str, version: int | None = None, models_dir=None) -> Path:
    """Export an already trained version again, as the next version, with this release's
    signatures and serving files; the trained weights, config and provenance are carried
    over, and the old version is left as it was."""
    from ganzoo import config as config_lib
    from ganzoo import paths, zoo

    model = zoo.load(name, version=version, models_dir=models_dir)
    entry_dir, chosen = zoo.locate(name, model.zoo_version, models_dir)
    source = entry_dir / str(chosen)
    raw = json.loads((source / integrity.CONFIG).read_text())
    cfg = config_lib.from_dict(name, {k: v for k, v in raw.items() if k != "name"},
                               where=str(source / integrity.CONFIG))
    old_card = json.loads((source / integrity.CARD).read_text())
    card = {k: v for k, v in old_card.items()
            if k not in ("version", "files", "exported_at", "tensorflow", "keras", "machine")}
    card["exported_from_version"] = chosen
    picture = imaging.load_png(source / integrity.SAMPLES)
    return export(model, cfg, paths.models_dir(models_dir) if models_dir else entry_dir.parent,
                  card, picture=picture, keras_file=source / KERAS_FILE)


def main(argv):
    from absl import flags

    del argv
    version_dir = reexport(flags.FLAGS.name, flags.FLAGS.version, flags.FLAGS.models_dir)
    print(f"exported {flags.FLAGS.name} as {version_dir}")


if __name__ == "__main__":
    from absl import app, flags

    flags.DEFINE_string("name", None, "Zoo entry to export again.")
    flags.DEFINE_integer("version", None, "Trained version to export (default: newest).")
    flags.DEFINE_string("models_dir", None, "Models directory (default: $GANZOO_MODELS_DIR or "
                        "saved_models/).")
    flags.mark_flag_as_required("name")
    app.run(main)
