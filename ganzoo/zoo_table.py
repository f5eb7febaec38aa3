"""Render the README's zoo table and the MNIST family comparison of docs/results.md from the
shipped model cards.

    python -m ganzoo.zoo_table            # print both tables
    python -m ganzoo.zoo_table --write    # replace them in both files, redraw the plot

Numbers in the table come only from `card.json` files written by
`ganzoo.train` and `ganzoo.evaluate`; `tests/test_readme.py` fails when the
README or the results page and the cards disagree.
"""

import json
import sys

from ganzoo import config, datasets, integrity, paths, zoo
from ganzoo.evaluation import digit_classifier

START, END = "<!-- zoo-table:start -->", "<!-- zoo-table:end -->"
GALLERY_START, GALLERY_END = "<!-- gallery:start -->", "<!-- gallery:end -->"
# Shown first, side by side: the two families a user with their own folder chooses between.
GALLERY_LEAD = ("fastgan_twemoji", "dcgan_twemoji", "r3gan_twemoji")  # best colour first
COMPARISON_START = "<!-- family-comparison:start -->"
COMPARISON_END = "<!-- family-comparison:end -->"
README = paths.repository_root() / "README.md"
RESULTS = paths.repository_root() / "docs" / "results.md"
COMPARISON_PLOT = paths.shipped_models_dir() / "mnist_family_comparison.png"


def _card(name: str) -> dict | None:
    entry = paths.shipped_models_dir() / name
    versions = zoo.available_versions(entry)
    if not versions:
        return None
    return json.loads((entry / str(versions[-1]) / integrity.CARD).read_text())


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
    if "memorization" in checks:  # image files: the held-out split is the reference
        memorization = checks["memorization"]
        text = (f"{memorization['near_copies']:.0%} near copies of training images "
                f"(distance ratio {memorization['ratio']:.2f})")
        generated = checks.get("generated")
        if generated:
            features = checks["feature_network"].split(",")[0]
            text = (f"FID {generated['fid']:.2g} (real images: {checks['real_floor']['fid']:.2g}; "
                    f"{features}), precision {generated['precision']:.2f}, recall "
                    f"{generated['recall']:.2f}; " + text)
        return text
    return "not evaluated"


def table() -> str:
    rows = [
        "| entry | family | data | ships trained | "
        "checks (`python -m ganzoo.evaluate --name <entry>`) |",
        "|---|---|---|---|---|",
    ]
    for name in zoo.list_models():
        cfg = config.load_entry(name)
        card = _card(name)
        if card is None:
            retired = (paths.shipped_models_dir() / name / "README.md").is_file()
            why = ("no: needs your own data" if cfg.data.source == "tfds"
                   else "retired: see its card" if retired
                   else "not yet: train it with `python -m ganzoo.train`")
            rows.append(f"| `{name}` | {cfg.family} | {cfg.dataset} | {why} | |")
            continue
        trained = (f"v{card['version']}: {card['steps']:,} steps, "
                   f"{card['wall_time_s'] / 60:.0f} min")
        start = card.get("initialized_from")
        if start:  # the wall time is this run's; the version it began from took its own
            trained += (f" for the last {card['steps'] - start['steps']:,} "
                        f"(warm start from v{start['version']})")
        rows.append(f"| `{name}` | {cfg.family} | {cfg.dataset} ({card['num_examples']:,}) | "
                    f"{trained} | {summary(card.get('checks') or {})} |")
    report = digit_classifier.default_path().with_suffix(".json")
    if report.is_file():
        accuracy = json.loads(report.read_text())["held_out_accuracy"]
        rows += ["", f"Digit checks are judged by the zoo's MNIST classifier, {accuracy:.1%} "
                     "accurate on the 500 held-out embedded digits "
                     "(`python -m ganzoo.evaluation.digit_classifier`)."]
    return "\n".join(rows)


def gallery() -> str:
    """A picture per shipped entry: the sample grid its card shows (`integrity.SAMPLES`),
    small, linked to the card; R3GAN and DCGAN on Twemoji first."""
    versions = {name: card["version"] for name in zoo.list_models()
                if (card := _card(name)) is not None}
    ordered = [n for n in GALLERY_LEAD if n in versions] + [n for n in versions
                                                            if n not in GALLERY_LEAD]
    cells = []
    for name in ordered:
        version = versions[name]
        if not (paths.shipped_models_dir() / name / str(version) / integrity.SAMPLES).is_file():
            continue
        picture = f"saved_models/{name}/{version}/{integrity.SAMPLES.as_posix()}"
        cells.append(f'<a href="saved_models/{name}/README.md"><img src="{picture}" '
                     f'width="150" alt="{name}" title="{name}"></a>')
    return "\n".join(cells)


def mnist_comparison() -> list[dict]:
    """Every unconditional-or-conditional digit entry measured on the same evaluator: the zoo
    MNIST classifier's features, the same held-out reference and sample count (Lucic et al.
    2018 compare families this way)."""
    rows = []
    for name in zoo.list_models():
        cfg = config.load_entry(name)
        digits = datasets.evaluator_for_entry(cfg) == "digits" and cfg.data.image_size == 0
        card = _card(name) if digits else None
        checks = (card or {}).get("checks") or {}
        if "distribution" not in checks:
            continue
        generated, floor = checks["distribution"]["generated"], checks["distribution"]["real_floor"]
        rows.append({"entry": name, "family": cfg.family, "samples": checks["samples"],
                     "classes": checks["classes_present"],
                     "largest": checks["largest_class_share"], "floor_fid": floor["fid"],
                     "floor_precision": floor["precision"], "floor_recall": floor["recall"],
                     "floor_confident": floor["confident_share"],
                     **generated})
    return sorted(rows, key=lambda row: row["fid"])


def comparison_table() -> str:
    rows = mnist_comparison()
    if not rows:
        return "No digit entry has been evaluated yet."
    counts = sorted({row["samples"] for row in rows})
    floors = sorted({round(row["floor_fid"]) for row in rows})
    lines = ["| family | entry | FID | KID | precision | recall | density | coverage | "
             "classifier score | confident | classes | largest class |",
             "|---|---|---|---|---|---|---|---|---|---|---|---|"]
    for r in rows:
        lines.append(f"| {r['family']} | `{r['entry']}` | {r['fid']:.0f} | {r['kid']:.3f} | "
                     f"{r['precision']:.2f} | {r['recall']:.2f} | {r['density']:.2f} | "
                     f"{r['coverage']:.2f} | {r['classifier_score']:.2f} | "
                     f"{r['confident_share']:.0%} | {r['classes']}/10 | "
                     f"{r['largest']:.1%} |")
    confident_floors = sorted({f"{row['floor_confident']:.0%}" for row in rows})
    lines += ["", f"{' / '.join(f'{c:,}' for c in counts)} samples per entry against the 500 "
              "held-out digits, on the zoo MNIST classifier's 128 penultimate features. Real "
              f"training digits at the same count score FID {' / '.join(map(str, floors))}: "
              "the floor a perfect generator would reach. Lower FID and KID are better; "
              "precision, recall, density and coverage are near 1 for real digits. "
              "\"Confident\" is the share of samples the classifier reads as one digit with at "
              "least 90% probability: a blurred or half-formed digit is read as several "
              f"(real digits: {' / '.join(confident_floors)}).",
              "", f"![MNIST family comparison](../saved_models/{COMPARISON_PLOT.name})"]
    return "\n".join(lines)


def draw_comparison(path=COMPARISON_PLOT) -> None:
    """FID per family beside the real-digit floor, and precision against recall."""
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib import pyplot as plt

    rows = mnist_comparison()
    figure, (left, right) = plt.subplots(1, 2, figsize=(10, 4), dpi=80)
    names = [r["family"] for r in rows]
    left.barh(names, [r["fid"] for r in rows], color="tab:blue")
    left.axvline(rows[0]["floor_fid"], color="black", linestyle="--", label="real digits")
    left.invert_yaxis()
    left.set_xlabel("FID on the zoo MNIST classifier's features (lower is better)")
    left.legend(loc="lower right")
    for r in rows:
        right.scatter(r["recall"], r["precision"], color="tab:blue")
        right.annotate(r["family"], (r["recall"], r["precision"]), textcoords="offset points",
                       xytext=(4, 4))
    right.scatter([rows[0]["floor_recall"]], [rows[0]["floor_precision"]], color="black",
                  marker="*", s=120, label="real digits")
    right.legend(loc="lower left")
    right.set_xlim(0, 1)
    right.set_ylim(0, 1)
    right.set_xlabel("recall (coverage of real digits)")
    right.set_ylabel("precision (realism of samples)")
    figure.suptitle(f"Digit entries, {rows[0]['samples']:,} samples each, same evaluator")
    figure.tight_layout()
    figure.savefig(path, metadata={"Software": None})
    plt.close(figure)


def _replace_between(text: str, start: str, end: str, body: str) -> str:
    head, _, rest = text.partition(start)
    _, _, tail = rest.partition(end)
    return f"{head}{start}\n{body}\n{end}{tail}"


def readme_with_table(text: str) -> str:
    """The README with its zoo table and its gallery drawn from the cards."""
    text = _replace_between(text, START, END, table())
    return _replace_between(text, GALLERY_START, GALLERY_END, gallery())


def results_with_comparison(text: str) -> str:
    return _replace_between(text, COMPARISON_START, COMPARISON_END, comparison_table())


def main(argv):
    if "--write" in argv:
        README.write_text(readme_with_table(README.read_text()))
        RESULTS.write_text(results_with_comparison(RESULTS.read_text()))
        draw_comparison()
    else:
        print(table())
        print()
        print(comparison_table())


if __name__ == "__main__":
    main(sys.argv[1:])
