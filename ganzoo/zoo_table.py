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
README = paths.repository_root() / "README.md"


def _card(name: str) -> dict | None:
    entry = paths.shipped_models_dir() / name
    versions = zoo.available_versions(entry)
    if not versions:
        return None
    return json.loads((entry / str(versions[-1]) / "ganzoo" / "card.json").read_text())


def summary(checks: dict) -> str:
    """One table cell from a card's checks."""
    if "classes_present" in checks:
        text = (f"{checks['classes_present']}/10 digit classes, largest "
                f"{checks['largest_class_share']:.1%}")
        if "asked_class_accuracy" in checks:
            text += (f"; asked-for class {checks['asked_class_accuracy']:.1%} "
                     f"(worst class {checks['worst_class_accuracy']:.1%})")
        distribution = checks.get("distribution")
        if distribution:
            generated, floor = distribution["generated"], distribution["real_floor"]
            text += (f"; FID {generated['fid']:.0f} (real digits: {floor['fid']:.0f}), "
                     f"precision {generated['precision']:.2f}, recall {generated['recall']:.2f}")
        return text
    if "kl_to_uniform" in checks:
        return (f"{checks['modes_covered']}/{checks['modes']} modes, KL to uniform "
                f"{checks['kl_to_uniform']:.2f} ({checks['samples']:,} samples)")
    if "modes_covered" in checks:
        text = (f"{checks['modes_covered']}/{checks['modes']} modes, "
                f"{checks['high_quality_share']:.1%} high quality")
        seeds = checks.get("over_training_seeds")
        if seeds:
            text += (f"; mean of {seeds['training_seeds']} training seeds: "
                     f"{seeds['mean_modes_covered']:g} modes, "
                     f"{seeds['mean_high_quality_share']:.1%}")
        return text
    if "a2b" in checks:
        parts = []
        for direction in ("a2b", "b2a"):
            if direction in checks:
                d = checks[direction]
                part = (f"{direction}: L1 {d['l1']:.3f} (input {d['l1_input']:.3f}), SSIM "
                        f"{d['ssim']:.3f} (input {d['ssim_input']:.3f})")
                judged = [k for k in d if k.startswith("judged_") and not k.endswith("_input")]
                if judged:
                    style = judged[0].removeprefix("judged_")
                    part += (f", judged {style} {d[judged[0]]:.0%} (input "
                             f"{d[judged[0] + '_input']:.0%})")
                parts.append(part)
        return f"{checks['pairs']} test pairs; " + "; ".join(parts)
    return "not evaluated"


def table() -> str:
    rows = [
        "| entry | family | data | ships trained | checks (`python -m ganzoo.evaluate --name <entry>`) |",
        "|---|---|---|---|---|",
    ]
    for name in zoo.list_models():
        cfg = config.load_entry(name)
        card = _card(name)
        if card is None:
            why = ("no: needs your own data" if cfg.data.source == "tfds"
                   else "not yet: train it with `python -m ganzoo.train`")
            rows.append(f"| `{name}` | {cfg.family} | {cfg.dataset} | {why} | |")
            continue
        trained = (f"v{card['version']}: {card['steps']:,} steps, "
                   f"{card['wall_time_s'] / 60:.0f} min")
        rows.append(f"| `{name}` | {cfg.family} | {cfg.dataset} ({card['num_examples']:,}) | "
                    f"{trained} | {summary(card.get('checks') or {})} |")
    report = digit_classifier.default_path().with_suffix(".json")
    if report.is_file():
        accuracy = json.loads(report.read_text())["held_out_accuracy"]
        rows += ["", f"Digit checks are judged by the zoo's MNIST classifier, {accuracy:.1%} accurate on "
                     "the 500 held-out embedded digits (`python -m ganzoo.evaluation.digit_classifier`)."]
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
