"""`ganzoo publish NAME --dest DIR`: one trained version in the layout a model hub serves.

    DIR/config.json, metadata.json, model.weights.h5   the Keras-native folder, which
                                                       `keras.saving.load_model("hf://...")`
                                                       reads (with ganzoo imported)
    DIR/saved_model/<version>/                         the version folder as exported: the
                                                       SavedModel for TensorFlow Serving, and
                                                       ganzoo's card and checksums
    DIR/samples.png                                    the card's sample grid
    DIR/README.md                                      the model card, with the hub's YAML
                                                       front matter (library_name, tags,
                                                       datasets, pipeline_tag, model-index)

Uploading is the hub's own command (`hf upload USER/REPO DIR`, docs/distribution.md).
"""

import json
import shutil
from pathlib import Path

import keras

from ganzoo import integrity, zoo

# Checks that are settings or references, not measurements of the model.
NOT_METRICS = {"seed", "samples", "real_floor", "reference", "command"}


def publish(name: str, dest: Path, version: int | None = None, models_dir=None) -> Path:
    dest = Path(dest).expanduser()
    if dest.exists() and any(dest.iterdir()):
        raise FileExistsError(f"{dest} is not empty; publish writes into a new or empty folder")
    entry_dir, chosen = zoo.locate(name, version, models_dir)
    version_dir = entry_dir / str(chosen)
    model = zoo.load(name, chosen, models_dir)
    card = json.loads((version_dir / integrity.CARD).read_text())
    trained = json.loads((version_dir / integrity.CONFIG).read_text())
    dest.mkdir(parents=True, exist_ok=True)
    keras.saving.save_model(model, dest, zipped=False)
    shutil.copytree(version_dir, dest / "saved_model" / str(chosen))
    if (version_dir / integrity.SAMPLES).is_file():
        shutil.copyfile(version_dir / integrity.SAMPLES, dest / "samples.png")
    (dest / "README.md").write_text(model_card(name, card, trained, model.translation))
    return dest


def metrics(checks: dict, prefix: str = "") -> list[tuple[str, float]]:
    """(dotted name, value) of every number the card's checks measured."""
    found = []
    for key, value in checks.items():
        if key in NOT_METRICS:
            continue
        if isinstance(value, dict):
            found += metrics(value, f"{prefix}{key}.")
        elif isinstance(value, int | float) and not isinstance(value, bool):
            found.append((f"{prefix}{key}", value))
    return found


def model_card(name: str, card: dict, trained: dict, translation: bool) -> str:
    task = "image-to-image" if translation else "unconditional-image-generation"
    dataset = trained.get("dataset", "unknown")
    q = json.dumps  # a JSON string is a valid YAML scalar
    lines = ["---", "library_name: keras", "tags:"]
    tags = dict.fromkeys(("ganzoo", "gan", card["family"], "tensorflow", task))  # no repeats
    lines += [f"- {q(tag)}" for tag in tags]
    lines += ["datasets:", f"- {q(dataset)}", f"pipeline_tag: {task}", "model-index:",
              f"- name: {q(name)}", "  results:", "  - task:", f"      type: {task}",
              "    dataset:", f"      type: {q(dataset)}", f"      name: {q(dataset)}",
              "    metrics:"]
    measured = metrics(card.get("checks", {}))
    for metric, value in measured:
        lines += [f"    - type: {q(metric.split('.')[-1])}", f"      name: {q(metric)}",
                  f"      value: {value}"]
    if not measured:
        lines[-1] = "    metrics: []"
    lines.append("---")
    how = (f"model.translate(images)  # {trained.get('description', '')}" if translation
           else "images = model.sample(16, seed=0)  # floats in [-1, 1]")
    closing = ("This version has not been evaluated." if not measured else
               f"`saved_model/{card['version']}/` is the SavedModel for TensorFlow Serving. "
               f"The measurements above come from "
               f"`{card.get('checks', {}).get('command', '')}`")
    lines += ["", f"# {name}", "", trained.get("description", ""), "",
              f"A {card['family']} from [ganzoo](https://github.com/ganzoo/ganzoo), version "
              f"{card['version']}: {card['steps']:,} steps on {card.get('data_source', dataset)}.",
              "", "![samples](samples.png)", "", "```python",
              "import ganzoo, keras  # importing ganzoo registers its model classes",
              'model = keras.saving.load_model("hf://USER/REPO")', how, "```", "", closing, ""]
    return "\n".join(lines)
