"""The border-to-centre profile: how far from white an image is, ring by ring from its edge
inward, averaged over images.

Frames drawn by a generator that the data does not have (r3gan_twemoji's: every cell a
square outline) show as peaks and dips that the real images' profile lacks, where FID on
pooled features barely sees them. On white-background data the real profile starts near 0 at
the edge and rises toward the centre.
"""

import numpy as np


def profile(images) -> np.ndarray:
    """(rings,): ring d holds the pixels d steps in from the nearest edge; its value is their
    mean distance from white, (1 - x) / 2 over channels, for images in [-1, 1]."""
    images = np.asarray(images, np.float32)
    height, width = images.shape[1:3]
    rows, cols = np.arange(height)[:, None], np.arange(width)[None, :]
    ring = np.minimum(np.minimum(rows, height - 1 - rows), np.minimum(cols, width - 1 - cols))
    distance = ((1.0 - images) / 2.0).mean(axis=(0, 3))  # (H, W), over images and channels
    counts = np.bincount(ring.ravel())
    return np.bincount(ring.ravel(), weights=distance.ravel()) / counts


def compare(generated, real) -> dict:
    """Both profiles and where they part most: a frame is a ring the samples darken (or
    lighten) that the data does not."""
    ours, theirs = profile(generated), profile(real)
    gap = ours - theirs
    worst = int(np.argmax(np.abs(gap)))
    return {"generated": [round(float(v), 3) for v in ours],
            "real": [round(float(v), 3) for v in theirs],
            "largest_gap": round(float(gap[worst]), 4), "at_ring": worst,
            "mean_abs_gap": round(float(np.abs(gap).mean()), 4)}


def plot(profiles: dict[str, np.ndarray], out) -> None:
    """Each labelled profile against the ring index, one chart."""
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib import pyplot

    figure, axes = pyplot.subplots(figsize=(6, 3.6))
    for label, values in profiles.items():
        axes.plot(np.arange(len(values)), values, marker="o", ms=3, label=label)
    axes.set_xlabel("ring: pixels in from the nearest edge")
    axes.set_ylabel("mean distance from white")
    axes.grid(True, alpha=0.3)
    axes.legend()
    figure.tight_layout()
    figure.savefig(out, dpi=100)
    pyplot.close(figure)


def main(argv=None) -> int:
    """`python -m ganzoo.evaluation.border_profile ENTRY[=MODELS_DIR] ... [-o chart.png]`:
    the profile of 64 samples (seed 0) of each exported model against the held-out images of
    the first one's data."""
    import argparse
    import json

    import ganzoo
    from ganzoo import config, datasets, zoo

    parser = argparse.ArgumentParser(prog="python -m ganzoo.evaluation.border_profile",
                                     description=main.__doc__.split("\n\n")[0])
    parser.add_argument("models", nargs="+", help="ENTRY, or LABEL=ENTRY@MODELS_DIR")
    parser.add_argument("--samples", type=int, default=64)
    parser.add_argument("-o", "--output", help="draw the profiles to this PNG")
    args = parser.parse_args(argv)
    profiles, report, real = {}, {}, None
    for spec in args.models:
        label, _, where = spec.rpartition("=")
        name, _, models_dir = where.partition("@")
        model = ganzoo.load(name, models_dir=models_dir or None)
        if real is None:  # the data the first model was trained on, as its version records
            entry_dir, version = zoo.locate(name, model.zoo_version, models_dir or None)
            cfg = config.version_config(name, entry_dir / str(version))
            real, _ = datasets.for_entry(cfg, "test").as_numpy()
            profiles["held-out images"] = profile(real)
        samples = model.sample(args.samples, seed=0)
        label = label or f"{name} v{model.zoo_version}"
        report[label] = {k: v for k, v in compare(samples, real).items() if k != "real"}
        profiles[label] = profile(samples)
    report["held-out images"] = [round(float(v), 3) for v in profiles["held-out images"]]
    print(json.dumps(report, indent=1))
    if args.output:
        plot(profiles, args.output)
        print(args.output)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
