"""Where the zoo's own judge networks live, and how they are saved and loaded.

A judge (the MNIST classifier, the emoji style classifier) is a small Keras
model trained by a repository command on embedded data, shipped under
`saved_models/_evaluators/<name>.keras` with a JSON report of its held-out
accuracy beside it, and loaded in safe mode.
"""

import json
from pathlib import Path

import keras

from ganzoo import paths
from ganzoo.hub.registry import EVALUATORS as FOLDER


def _shipped_path(name: str) -> Path:
    """Where a judge lies in a source checkout's saved_models/ (and where `save` puts it)."""
    return paths.shipped_models_dir() / FOLDER / f"{name}.keras"


def default_path(name: str) -> Path:
    """The shipped judge: in a source checkout's saved_models/, else fetched into the cache
    (`ganzoo.hub.fetch`; a wheel does not carry the models)."""
    shipped = _shipped_path(name)
    if shipped.is_file():
        return shipped
    from ganzoo.hub import fetch

    return fetch.ensure(FOLDER) / shipped.name


def save(model: keras.Model, report: dict, name: str, out_path: Path | None = None) -> Path:
    out_path = Path(out_path or _shipped_path(name))
    out_path.parent.mkdir(parents=True, exist_ok=True)
    model.save(out_path)
    out_path.with_suffix(".json").write_text(json.dumps(report, indent=2))
    return out_path


def load(name: str, command: str, path: Path | None = None) -> keras.Model:
    path = Path(path or default_path(name))
    if not path.is_file():
        raise FileNotFoundError(f"no {name} at {path}; train it with:\n    {command}")
    return keras.saving.load_model(path, safe_mode=True)


def score_and_save(model: keras.Model, predicted, labels, *, train_examples: int, data: str,
                   name: str, command: str, out_path: Path | None = None) -> dict:
    """Held-out accuracy of a trained judge, saved with the judge as its JSON report."""
    import numpy as np

    report = {
        "held_out_accuracy": round(float(np.mean(np.asarray(predicted) == np.asarray(labels))), 4),
        "held_out_examples": int(len(labels)),
        "train_examples": int(train_examples),
        "data": data,
        "command": command,
    }
    save(model, report, name, out_path)
    return report
