"""Quality curves of several runs on one chart: their score (FID for samples, the stated
combination for translators) against training minutes and against images seen, from the
`quality.json` each run's `--eval_every_minutes` wrote.

    python -m ganzoo.bench.curves fastgan=runs/fastgan dcgan=runs/dcgan -o curves.png

Minutes compare only runs on one machine; images seen compare across machines. With `--cpu`
the time axis is the CPU minutes each process spent training, which compares runs that shared
one machine at the same time (each pinned to its own core, say) as well as runs that had it
alone.
"""

import argparse
import json
from pathlib import Path

from ganzoo.training import quality_curve


def read_runs(specs: list[str]) -> dict[str, dict]:
    """LABEL=WORKDIR (or a quality.json path) -> the curve record."""
    runs = {}
    for spec in specs:
        label, _, where = spec.partition("=")
        if not where:
            raise ValueError(f"expected LABEL=WORKDIR, got {spec!r}")
        path = Path(where)
        path = path / "quality.json" if path.is_dir() else path
        if not path.is_file():
            raise FileNotFoundError(f"{path}: no quality curve (train with --eval_every_minutes)")
        runs[label] = quality_curve.upgraded(json.loads(path.read_text()))
    scores = {record["score_label"] for record in runs.values()}
    if len(scores) > 1:
        raise ValueError(f"the curves rank by different scores ({', '.join(sorted(scores))}): "
                         f"one chart draws one")
    return runs


def plot(runs: dict[str, dict], out: Path, title: str = "", cpu: bool = False) -> Path:
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib import pyplot

    figure, (by_time, by_images) = pyplot.subplots(1, 2, figsize=(11, 4.2))
    for label, record in runs.items():
        points = record["points"]
        scores = [p[record["score"]] for p in points]
        minutes = [p["cpu_minutes"] if cpu else p["train_minutes"] for p in points]
        by_time.plot(minutes, scores, marker="o", ms=3, label=label)
        by_images.plot([p["images_seen"] / 1000 for p in points], scores, marker="o", ms=3,
                       label=label)
    first = next(iter(runs.values()), None)
    ylabel = f"{first['score_label']} ({first['feature_network'].split(':')[0]})" if first else ""
    time_label = "CPU minutes of training" if cpu else "training minutes"
    for axes, xlabel in ((by_time, time_label), (by_images, "images seen (thousands)")):
        axes.set_xlabel(xlabel)
        axes.set_ylabel(ylabel)
        axes.set_yscale("log")
        axes.grid(True, which="both", alpha=0.3)
        axes.legend()
    if title:
        figure.suptitle(title)
    figure.tight_layout()
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    figure.savefig(out, dpi=100)
    pyplot.close(figure)
    return out


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m ganzoo.bench.curves",
                                     description=__doc__.split("\n\n")[0])
    parser.add_argument("runs", nargs="+", help="LABEL=WORKDIR, one per run")
    parser.add_argument("-o", "--output", default="quality_curves.png")
    parser.add_argument("--title", default="")
    parser.add_argument("--cpu", action="store_true",
                        help="time axis in CPU minutes instead of wall minutes")
    args = parser.parse_args(argv)
    runs = read_runs(args.runs)
    if args.cpu and any("cpu_minutes" not in p for r in runs.values() for p in r["points"]):
        parser.error("--cpu: some curve has no cpu_minutes (recorded since 2026-12-07)")
    print(plot(runs, Path(args.output), args.title, cpu=args.cpu))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
