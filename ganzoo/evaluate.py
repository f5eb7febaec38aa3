"""Check a trained zoo entry: `python -m ganzoo.evaluate --name cgan_mnist`.

- Digit entries: the zoo's MNIST classifier labels the samples (coverage of
  the ten classes, the largest class share, and for conditional entries
  whether each sample is the digit asked for), and its features give FID,
  KID, classifier score, precision/recall and density/coverage against the
  held-out digits, beside the real-vs-real floor, plus a memorization check.
- Translation entries: every held-out test pair, each direction: L1, PSNR and
  SSIM of the output against the true target, next to the same numbers for
  the untranslated input; the share of near-black pixels (OpenMoji's
  outlines); the share of outputs the zoo's emoji style classifier reads as
  the target style; for CycleGAN the A -> B -> A reconstruction error.
- Stacked MNIST entries: modes covered out of 1,000 and KL of the mode
  histogram to uniform on 26,000 samples, as VEEGAN and PacGAN count them.
- 2D mixture entries: PacGAN's protocol on 2,500 samples (modes covered,
  share of high-quality samples). With `--train_seeds N` the entry is also
  trained N times from scratch (seeds 0..N-1, in a temporary folder) and the
  mean over those runs is reported, as PacGAN reports it.

The result is printed and stored in the version's card.json, and the entry's
model card is re-rendered from it. `--all` evaluates every shipped entry in turn
and prints how long each took. Reference features of real digits are cached
(`ganzoo.paths.cache_dir()`), so reruns skip them.
"""

import json
import sys
import tempfile
import time

import numpy as np
from absl import app, flags

flags.DEFINE_string("name", None, "Zoo entry to evaluate.")
flags.DEFINE_boolean("all", False, "Evaluate every entry with a trained version, and time it.")
flags.DEFINE_integer("version", None, "Version to evaluate (default: newest).")
flags.DEFINE_integer("samples", None, "Number of samples (default: 2,000 images or 2,500 points).")
flags.DEFINE_integer("seed", 0, "Sampling seed.")
flags.DEFINE_integer("train_seeds", 0,
                     "2D entries: also train this many seeds and report the mean.")
flags.DEFINE_integer("workers", 1, "With --train_seeds: seeds trained at once, in processes.")
flags.DEFINE_string("models_dir", None,
                    "Models directory (default: $GANZOO_MODELS_DIR or saved_models/).")
flags.DEFINE_boolean("write", True, "Store the result in the model card.")
FLAGS = flags.FLAGS


def digit_checks(model, samples, seed) -> dict:
    """Class coverage and balance, then distribution metrics on the classifier's features."""
    from ganzoo.evaluation import digit_classifier, image_metrics

    classifier = digit_classifier.load()
    images, labels = digit_classifier.digit_samples(model, samples, seed)
    report = {"seed": seed, **digit_classifier.digit_report(images, labels, classifier)}
    report["judge"] = "zoo MNIST classifier (saved_models/_evaluators/mnist_classifier.keras)"
    report["distribution"] = image_metrics.digit_distribution_checks(images, classifier)
    return report


def stacked_mnist_checks(model, samples, seed) -> dict:
    """Modes out of 1,000 and KL to uniform, each channel read by the zoo's MNIST classifier
    (the protocol of VEEGAN and PacGAN, which count 26,000 samples)."""
    from ganzoo.datasets import stacked_mnist
    from ganzoo.evaluation import digit_classifier
    from ganzoo.metrics import class_mode_statistics

    modes = stacked_mnist.modes_of(model.sample(samples, seed=seed), digit_classifier.load())
    report = {"seed": seed, **class_mode_statistics(modes, stacked_mnist.NUM_MODES)}
    report["judge"] = "zoo MNIST classifier on each channel"
    return {k: round(v, 4) if isinstance(v, float) else v for k, v in report.items()}


def mixture_checks(model, dataset, samples, seed) -> dict:
    from ganzoo.datasets import mixtures
    from ganzoo.metrics import mixture_mode_statistics

    make_means, sigma = mixtures.MIXTURES[dataset]
    stats = mixture_mode_statistics(model.sample(samples, seed=seed), make_means(), sigma)
    stats["protocol"] = "PacGAN: high quality = within 3 sigma of the nearest mean"
    return stats


def translation_checks(model, cfg) -> dict:
    """Every held-out pair, each direction: output vs true target, input vs target, and
    the measures the quality curve ranks by (`evaluation.translation_judge`): the style
    judge's share (and the input's), the share of outputs nearest their own pair, and for
    two-way models the A -> B -> A reconstruction."""
    from ganzoo import datasets
    from ganzoo.evaluation import translation_judge
    from ganzoo.metrics import translation_report

    pairs = datasets.for_entry(cfg, "test")
    report = {"split": "test", "pairs": len(pairs.a), "data": pairs.source}
    judge = _style_judge(cfg)
    measured = {}
    for direction in model.directions:
        inputs, targets = pairs.oriented(direction)
        outputs = model.translate(inputs, direction)
        report[direction] = translation_report(inputs, outputs, targets)
        measured[direction] = found = translation_judge.direction_measures(
            model, pairs, direction, judge, outputs=outputs)
        if judge is not None:
            from ganzoo.evaluation import style_classifier

            target_style = style_classifier.target_style(direction)
            report[direction][f"judged_{target_style}"] = found["judged"]
            report[direction][f"judged_{target_style}_input"] = round(
                style_classifier.style_share(judge, inputs, target_style), 4)
        report[direction].update({key: found[key] for key in
                                  ("own_pair", "own_pair_input", "cycle_l1") if key in found})
    if pairs.paired:  # what the quality curve ranks by, for the same model
        report["score"] = round(translation_judge.score_of(measured), 4)
    return report


def _style_judge(cfg):
    """The emoji style classifier for a data set that declares it; None otherwise."""
    from ganzoo import datasets

    if not datasets.style_judged(cfg):
        return None
    from ganzoo.evaluation import style_classifier

    return style_classifier.load()


def image_file_checks(model, cfg, samples, seed) -> dict:
    from ganzoo.evaluation import image_files

    return image_files.image_file_checks(model, cfg, samples or 2000, seed)


def _native_digit_checks(model, cfg, samples, seed) -> dict:
    """The MNIST classifier reads digits at their native size only."""
    if cfg.data.image_size:
        raise ValueError(f"{cfg.name}: the digit checks need MNIST at its native size "
                         f"(data.image_size = 0)")
    return digit_checks(model, samples or 2000, seed)


# The checks of each evaluator a data set can declare (ganzoo.datasets.DatasetInfo.evaluator).
EVALUATORS = {
    "digits": _native_digit_checks,
    "stacked_mnist": lambda model, cfg, samples, seed: stacked_mnist_checks(
        model, samples or 26_000, seed),
    "mixture": lambda model, cfg, samples, seed: mixture_checks(
        model, cfg.dataset, samples or 2500, seed),
    "translation": lambda model, cfg, samples, seed: translation_checks(model, cfg),
    "image_files": image_file_checks,
}


def checks_for(model, cfg, samples=None, seed=0) -> dict:
    from ganzoo import datasets

    evaluator = datasets.evaluator_for_entry(cfg)
    if evaluator is None:
        raise ValueError(f"{cfg.name}: no evaluator for data set '{cfg.dataset}' yet")
    return EVALUATORS[evaluator](model, cfg, samples, seed)


def _train_seed_and_check(name, train_seed, samples, seed) -> dict:
    """Train entry `name` from scratch with train.seed = `train_seed` (in a scratch folder)
    and check it. Top-level, so worker processes can run it."""
    from ganzoo import config
    from ganzoo.training import runner

    seeded = config.load_entry(name, {"train.seed": train_seed})
    with tempfile.TemporaryDirectory() as scratch:
        result = runner.run(seeded, workdir=scratch, export_model=False, verbose=0)
        return checks_for(result.model, seeded, samples, seed)


def over_training_seeds(cfg, count, samples=None, seed=0, workers=1) -> dict:
    """Train `cfg` from scratch with train.seed = 0..count-1 and average the checks.

    `workers` > 1 trains that many seeds at once in separate processes; each run
    depends only on its seed (stateless data and noise), not on what runs beside it.
    """
    import keras

    progress = keras.utils.Progbar(count, unit_name="training seed")
    if workers > 1:
        import multiprocessing
        from concurrent.futures import ProcessPoolExecutor, as_completed

        with ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("spawn")) as pool:
            futures = {pool.submit(_train_seed_and_check, cfg.name, s, samples, seed): s
                       for s in range(count)}
            by_seed = {}
            for done, future in enumerate(as_completed(futures), 1):
                by_seed[futures[future]] = future.result()
                progress.update(done)
            runs = [by_seed[s] for s in range(count)]
    else:
        runs = []
        for s in range(count):
            runs.append(_train_seed_and_check(cfg.name, s, samples, seed))
            progress.update(s + 1)
    numeric = [k for k, v in runs[0].items() if isinstance(v, (int, float))]
    summary = {f"mean_{k}": round(float(np.mean([r[k] for r in runs])), 4) for k in numeric}
    summary["per_seed"] = [{k: r[k] for k in numeric} for r in runs]
    summary["training_seeds"] = count
    return summary


def evaluate(name, version=None, samples=None, seed=0, train_seeds=0, models_dir=None,
             write=True, workers=1) -> dict:
    from ganzoo import config, export, files, integrity, zoo

    model = zoo.load(name, version=version, models_dir=models_dir)
    entry_dir, _ = zoo.locate(name, model.zoo_version, models_dir)
    cfg = config.version_config(name, entry_dir / str(model.zoo_version))
    report = checks_for(model, cfg, samples, seed)
    command = f"python -m ganzoo.evaluate --name {name} --seed {seed}"
    if samples:
        command += f" --samples {samples}"
    report["command"] = command
    card_path = entry_dir / str(model.zoo_version) / integrity.CARD
    card = json.loads(card_path.read_text())
    if train_seeds:
        seeds_command = f"{command} --train_seeds {train_seeds}"
        report["over_training_seeds"] = {
            **over_training_seeds(cfg, train_seeds, samples, seed, workers),
            "command": seeds_command}
    else:  # keep a multi-seed result measured earlier: it costs many trainings to redo
        earlier = (card.get("checks") or {})
        if "over_training_seeds" in earlier:
            report["over_training_seeds"] = {"command": earlier.get("command"),
                                             **earlier["over_training_seeds"]}
    if write:
        card["checks"] = report
        files.write_text(card_path, json.dumps(card, indent=2))  # a kill keeps the old card
        export.write_model_card(entry_dir)
    return report


def entries_to_evaluate(models_dir=None) -> list[str]:
    """The entries with a version in `models_dir` when it is given; else what `ganzoo list`
    shows as trained: the zoo's entries with a version in a checkout or in the registry (an
    installed wheel fetches them on use), then yours."""
    from ganzoo import paths, zoo

    if models_dir:
        root = paths.models_dir(models_dir)
        return [n for n in sorted(p.name for p in root.iterdir() if p.is_dir())
                if zoo.available_versions(root / n)] if root.is_dir() else []
    return zoo.trained()


NOTHING_TO_EVALUATE = ("nothing to evaluate: no entry has a trained version in your models "
                       "folders, the zoo's saved_models/ or its registry; train one with "
                       "`python -m ganzoo.train --name cgan_mnist`")


def evaluate_all(models_dir=None, write=True) -> list[dict]:
    """Evaluate the newest version of every trained entry with default settings; time each."""
    import keras

    from ganzoo import zoo_table

    names = entries_to_evaluate(models_dir)
    progress = keras.utils.Progbar(len(names), unit_name="entry")
    rows = []
    for done, name in enumerate(names, 1):
        start = time.perf_counter()
        report = evaluate(name, models_dir=models_dir, write=write)
        rows.append({"entry": name, "seconds": round(time.perf_counter() - start, 1),
                     "checks": zoo_table.summary(report)})
        progress.update(done)
    return rows


def main(argv):
    del argv
    from ganzoo import integrity

    if FLAGS.all == bool(FLAGS.name):
        raise app.UsageError("give --name NAME or --all")
    if FLAGS.all:
        start = time.perf_counter()
        if not entries_to_evaluate(FLAGS.models_dir):
            print(NOTHING_TO_EVALUATE, file=sys.stderr)
            return 1
        rows = evaluate_all(FLAGS.models_dir, FLAGS.write)
        for row in rows:
            print(f"{row['entry']:<26} {row['seconds']:>7.1f} s  {row['checks']}")
        print(f"{len(rows)} entries evaluated in {time.perf_counter() - start:.0f} s")
        return
    try:
        report = evaluate(FLAGS.name, FLAGS.version, FLAGS.samples, FLAGS.seed, FLAGS.train_seeds,
                          FLAGS.models_dir, FLAGS.write, FLAGS.workers)
    except (OSError, integrity.CorruptModelError) as err:  # missing, corrupt, not fetched
        print(f"error: {' '.join(str(err).split())}", file=sys.stderr)
        return 1
    except (KeyError, ValueError) as err:  # the name, the version, the entry's data: input
        message = err.args[0] if isinstance(err, KeyError) else err
        print(f"error: {' '.join(str(message).split())}", file=sys.stderr)
        return 2
    print(json.dumps(report, indent=2))


if __name__ == "__main__":
    app.run(main)
