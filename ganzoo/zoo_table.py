"""Render the README's zoo table from the shipped model cards.

    python -m ganzoo.zoo_table            # print the table
    python -m ganzoo.zoo_table --write    # replace it in README.md

Numbers in the table come only from `card.json` files written by
`ganzoo.train` and `ganzoo.evaluate`; `tests/test_readme.py` fails when the
README and the cards disagree.
"""

import json
import sys
from pathlib import Path

from ganzoo import config, paths, zoo
from ganzoo.evaluation import digit_classifier

START, END = "<!-- zoo-table:start -->", "<!-- zoo-table:end -->"
README = paths._PACKAGE_DIR.parent / "README.md"


def _card(name: str) -> dict | None:
    entry = paths.shipped_models_dir() / name
    versions = zoo.available_versions(entry)
    if not versions:
        return None
    return json.loads((entry / str(versions[-1]) / "ganzoo" / "card.json").read_text())


def table() -> str:
    rows = [
        "| entry | family | data | ships trained | classes | largest class | asked-for class (all / worst) |",
        "|---|---|---|---|---|---|---|",
    ]
    for name in zoo.list_models():
        cfg = config.load_entry(name)
        card = _card(name)
        if card is None:
            rows.append(f"| `{name}` | {cfg.family} | {cfg.dataset} | no: needs your own data, "
                        f"`python -m ganzoo.train --name {name}` | | | |")
            continue
        checks = card.get("checks") or {}
        trained = (f"v{card['version']}: {card['steps']:,} steps, "
                   f"{card['wall_time_s'] / 60:.0f} min on {card['machine']}")
        asked = ""
        if "asked_class_accuracy" in checks:
            asked = f"{checks['asked_class_accuracy']:.1%} / {checks['worst_class_accuracy']:.1%}"
        rows.append(
            f"| `{name}` | {cfg.family} | {cfg.dataset} ({card['num_examples']:,} embedded) | "
            f"{trained} | {checks.get('classes_present', '?')}/10 | "
            f"{checks['largest_class_share']:.1%} | {asked} |"
            if checks else
            f"| `{name}` | {cfg.family} | {cfg.dataset} | {trained} | not evaluated | | |"
        )
    report = digit_classifier.default_path().with_suffix(".json")
    if report.is_file():
        accuracy = json.loads(report.read_text())["held_out_accuracy"]
        rows += ["", f"Judge: the zoo's MNIST classifier, {accuracy:.1%} accurate on the 500 "
                     "held-out embedded digits (`python -m ganzoo.evaluation.digit_classifier`)."]
    return "\n".join(rows)


def readme_with_table(text: str) -> str:
    head, _, rest = text.partition(START)
    _, _, tail = rest.partition(END)
    return f"{head}{START}\n{table()}\n{END}{tail}"


def main(argv):
    if "--write" in argv:
        README.write_text(readme_with_table(README.read_text()))
    else:
        print(table())


if __name__ == "__main__":
    main(sys.argv[1:])
