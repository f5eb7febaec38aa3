"""Run the benchmark, print its tables and write them as JSON.

    python -m ganzoo.bench            # everything but data, under 15 minutes on 2 CPU cores
    python -m ganzoo.bench --sections data   # your own images: delivery to fit, preparation
    python -m ganzoo.bench --sections twemoji   # the Twemoji study's candidates' images/s
    python -m ganzoo.bench --quick    # under 2 minutes: fewer steps and settings, no FID race,
                                      # no memory measurement
"""

import datetime
import json
import os
import platform
import time
from pathlib import Path

from absl import app, flags

flags.DEFINE_boolean("quick", False, "A smoke run: fewer steps, entries and settings; no FID "
                     "race, no memory measurement.")
flags.DEFINE_string("out", "runs/bench.json", "Where to write the results as JSON.")
SECTIONS = ("families", "settings", "tutorial", "race", "memory", "r3gan", "peaks", "data",
            "twemoji")
ON_REQUEST = ("peaks", "data", "twemoji")  # each a few minutes or more: only when asked for
flags.DEFINE_list("sections", [s for s in SECTIONS if s not in ON_REQUEST],
                  f"Parts to run, of {', '.join(SECTIONS)} ({', '.join(ON_REQUEST)} only when "
                  "asked for).")
flags.DEFINE_integer("rounds", 5, "Interleaved timing rounds of the tutorial comparison "
                     "(8 steps per trainer and round with --quick, 15 without).")
flags.DEFINE_float("fid_threshold", 500.0, "FID (1,000 samples, MNIST classifier features) "
                   "that ends the time-to-quality race.")
flags.DEFINE_float("budget_s", 240.0, "Training seconds each recipe gets to reach it.")
FLAGS = flags.FLAGS

# The default entry of each family: its MNIST (or emoji) entry, which trains on embedded data.
QUICK_ENTRIES = ("gan_mnist", "dcgan_mnist")
PROFILE_STEPS = 5


def machine() -> dict:
    import keras
    import tensorflow as tf

    cpu = "unknown CPU"
    if Path("/proc/cpuinfo").exists():
        names = [line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text()
                 .splitlines() if line.startswith("model name")]
        cpu = names[0] if names else cpu
    return {"date": datetime.date.today().isoformat(), "cpu": cpu, "cores": os.cpu_count(),
            "gpus": len(tf.config.list_physical_devices("GPU")), "platform": platform.platform(),
            "tensorflow": tf.__version__, "keras": keras.__version__}


def print_table(title: str, rows: list[dict], columns: list[str]) -> None:
    print(f"\n{title}")
    widths = [max(len(c), *(len(str(r.get(c, ""))) for r in rows)) for c in columns]
    print("  ".join(c.ljust(w) for c, w in zip(columns, widths)))
    for row in rows:
        print("  ".join(str(row.get(c, "")).ljust(w) for c, w in zip(columns, widths)),
              flush=True)


def reference_entries() -> list[str]:
    """Each family's declared reference entry, in family-name order."""
    from ganzoo import models

    return [models.get_family(name).reference_entry for name in models.family_names()]


def families_section(steps, warmup) -> list[dict]:
    from ganzoo.bench import throughput

    entries = QUICK_ENTRIES if FLAGS.quick else reference_entries()
    rows = [throughput.entry_images_per_second(name, None, steps, warmup) for name in entries]
    print_table("Training throughput, each family's default entry (as configured)",
                rows, ["entry", "setting", "batch_size", "seconds_per_step", "images_per_second"])
    return rows


def settings_section(steps, warmup) -> list[dict]:
    from ganzoo.bench.throughput import Setting, entry_images_per_second

    settings = [Setting(jit, precision) for precision in ("float32", "mixed_bfloat16")
                for jit in (True, False)]
    if FLAGS.quick:
        settings = [Setting(True, "float32"), Setting(False, "mixed_bfloat16")]
    rows = [entry_images_per_second("dcgan_mnist", s, steps, warmup) for s in settings]
    print_table("dcgan_mnist per setting", rows,
                ["setting", "seconds_per_step", "images_per_second"])
    return rows


def tutorial_section(steps, warmup) -> dict:
    import keras

    from ganzoo.bench import profile, throughput
    from ganzoo.bench.throughput import Setting

    # The tutorial trains in float32 without XLA: that setting is the like-for-like
    # comparison; bfloat16 shows what dcgan_mnist's setting adds on the same networks. (XLA,
    # 0.67x here on 2026-11-30, is left out to keep the whole bench under 15 minutes.)
    settings = [Setting(False)] if FLAGS.quick else [
        Setting(False), Setting(False, "mixed_bfloat16")]
    trainers = throughput.tutorial_trainers(settings)
    rows = throughput.tutorial_comparison(trainers, steps, rounds=FLAGS.rounds)
    print_table("Against the TensorFlow DCGAN tutorial (batch 256, same data; median of "
                f"{FLAGS.rounds} interleaved rounds; ratio: median and range of per-round "
                "ratios)", rows,
                ["trainer", "seconds_per_step", "images_per_second", "ratio_to_tutorial",
                 "ratio_range", "rounds_images_per_second"])
    like_for_like = list(trainers)[1]  # fit in the first setting: float32 without XLA
    theirs = profile.profile_steps(trainers[throughput.TUTORIAL], PROFILE_STEPS)
    ours = profile.profile_steps(trainers[like_for_like], PROFILE_STEPS)
    keras.backend.clear_session()
    ops = profile.op_rows(theirs, ours)
    print_table(f"Where a step's time goes, like for like ({PROFILE_STEPS} traced steps each; "
                "ms per step, op time summed over TensorFlow's threads; baseline: the "
                "tutorial, other: fit)", ops,
                ["op_type", "baseline_ops", "other_ops", "baseline_ms", "other_ms"])
    steps_rows = [{"trainer": name, "compiled_call_ms": round(traced.call_ms, 1),
                   "between_calls_ms": round(traced.between_calls_ms, 2),
                   "input_pipeline_ops_ms": round(traced.input_ops_ms, 2)}
                  for name, traced in ((throughput.TUTORIAL, theirs), (like_for_like, ours))]
    print_table("One step: the compiled call and the Python loop between calls (ms, median "
                "over traced steps); the input pipeline's ops on tf.data's threads (ms per step)",
                steps_rows,
                ["trainer", "compiled_call_ms", "between_calls_ms", "input_pipeline_ops_ms"])
    added = profile.added_ops(theirs, ours)
    added_ms = profile.added_op_ms(theirs, ours)
    print(f"  ops fit's step runs beyond the tutorial's, per step (negative: fewer): {added}\n"
          f"  their op time, estimated at their type's mean: {added_ms:.2f} ms per step, "
          f"{added_ms / ours.total_op_ms:.2%} of the step's op time")
    return {"trainers": rows, "profile_ops": ops, "profile_steps": steps_rows,
            "added_ops": added, "added_op_ms": round(added_ms, 2)}


def race_section(steps, warmup) -> dict:
    from ganzoo.bench import quality
    from ganzoo.evaluation import feature_judge

    judge = feature_judge.digit_judge()
    ours = quality.zoo_recipe("dcgan_mnist", judge, FLAGS.fid_threshold, FLAGS.budget_s,
                              eval_every=200)
    # The tutorial gets 5x our time (or the whole budget): not reaching the threshold
    # in it is what "at least 5x sooner" means.
    tutorial_budget = 5 * ours["seconds"] if ours["reached"] else FLAGS.budget_s
    theirs = quality.tutorial_recipe(judge, FLAGS.fid_threshold, tutorial_budget, eval_every=36)
    # The entry's previous setting, float32 with XLA, on the same judge.
    float32 = quality.zoo_recipe("dcgan_mnist", judge, FLAGS.fid_threshold, FLAGS.budget_s,
                                 eval_every=200,
                                 overrides={"train.precision": "float32",
                                            "train.jit_compile": True})
    race = [ours, theirs, float32]
    for recipe in (theirs, float32):
        if ours["reached"] and recipe["reached"]:
            recipe["ours_sooner_by"] = f"{recipe['seconds'] / ours['seconds']:.1f}x"
        elif ours["reached"]:
            recipe["ours_sooner_by"] = (f"more than {recipe['curve'][-1][0] / ours['seconds']:.1f}x"
                                        " (never reached it)")
    print_table(f"Training seconds until FID <= {FLAGS.fid_threshold:g} "
                f"({quality.SAMPLES} samples, zoo MNIST classifier features)", race,
                ["recipe", "reached", "seconds", "ours_sooner_by"])
    for recipe in race:
        print(f"  {recipe['recipe']}: (seconds, FID) {recipe['curve']}")
    return {"fid_threshold": FLAGS.fid_threshold, "samples": quality.SAMPLES, "recipes": race}


def memory_section(steps, warmup) -> list[dict]:
    from ganzoo.bench import memory

    rows = [{"measurement": "training dcgan_mnist (50 steps, runner)",
             "peak_rss_mb": memory.peak_rss_mb("train", "dcgan_mnist")},
            {"measurement": "ganzoo.load('dcgan_mnist').sample(1000)",
             "peak_rss_mb": memory.peak_rss_mb("sample", "dcgan_mnist")}]
    print_table("Peak resident memory (fresh process each)", rows,
                ["measurement", "peak_rss_mb"])
    return rows


def data_section(steps, warmup) -> list[dict]:
    from ganzoo.bench import data

    rows = data.data_section(quick=FLAGS.quick)
    print_table("Your own images: batches of 128 delivered to fit (direct JPEG decoding with "
                "image_dataset_from_directory, against the prepared set), preparation rate",
                [r for r in rows if "prepared_images_per_s" in r],
                ["size", "files", "direct_jpeg_images_per_s", "prepared_images_per_s",
                 "prepared_over_direct", "prepare_images_per_s", "celeba_projected_prepare_min"])
    memory = [r for r in rows if "prepare_peak_rss_mb" in r]
    if memory:
        print_table("Peak memory preparing at 64 px (fresh process each)", memory,
                    ["files", "prepare_peak_rss_mb", "largest_worker_peak_rss_mb"])
    return rows


def r3gan_section(steps, warmup) -> dict:
    from ganzoo.bench import r3gan_costs

    grouped = r3gan_costs.grouped_convolution()
    print_table("R3GAN's grouped 3x3 convolution, forward + backward under XLA", grouped,
                ["implementation", "shape", "forward_backward_ms"])
    blocks = r3gan_costs.step_costs("r3gan_twemoji", r3gan_costs.BLOCK_SETTINGS, steps, warmup)
    print_table("r3gan_twemoji's step with its blocks and with the paper's", blocks,
                ["variant", "batch_size", "seconds_per_step", "images_per_second"])
    penalties = r3gan_costs.step_costs("r3gan_twemoji", r3gan_costs.PENALTY_SETTINGS, steps,
                                       warmup)
    print_table("r3gan_twemoji's step with R1 and R2, R1 alone and neither", penalties,
                ["variant", "batch_size", "seconds_per_step", "images_per_second"])
    return {"grouped_convolution": grouped, "blocks": blocks, "penalties": penalties}


def twemoji_section(steps, warmup) -> list[dict]:
    """The Twemoji study's candidates (docs/results.md), as configured: on a CPU, a family's
    images per second decide how far an hour of training takes it."""
    from ganzoo.bench import throughput

    study = Path(__file__).parent / "twemoji_study"
    candidates = ["dcgan_twemoji", "fastgan_twemoji", *sorted(str(p) for p in
                                                              study.glob("*.toml"))]
    rows = [throughput.entry_images_per_second(name, None, steps, warmup)
            for name in candidates]
    for row, name in zip(rows, candidates):
        row["candidate"] = Path(name).stem if name.endswith(".toml") else name
    print_table("The Twemoji study's candidates, as configured", rows,
                ["candidate", "setting", "batch_size", "seconds_per_step", "images_per_second"])
    return rows


PEAK_ENTRIES = ("dcgan_mnist", "r3gan_twemoji")  # a fast and a slow step; the last is profiled


def peaks_section(steps, warmup) -> dict:
    from ganzoo.bench import peaks, profile
    from ganzoo.bench.throughput import Setting, entry_images_per_second

    machine_peaks = {dtype: round(peaks.matmul_gflops(dtype), 1)
                     for dtype in ("float32", "bfloat16")}
    ratio = machine_peaks["bfloat16"] / machine_peaks["float32"]
    print(f"\nThis machine's {peaks.MATMUL_SIZE}x{peaks.MATMUL_SIZE} matmul: "
          f"{machine_peaks['float32']} GFLOP/s in float32, {machine_peaks['bfloat16']} in "
          f"bfloat16 ({ratio:.2f}x)")
    rows = []
    for entry in PEAK_ENTRIES:
        pair = [entry_images_per_second(entry, Setting(True, precision), steps, warmup,
                                        peaks=machine_peaks)
                for precision in ("float32", "mixed_bfloat16")]
        pair[1]["bfloat16_speedup"] = (
            f"{pair[0]['seconds_per_step'] / pair[1]['seconds_per_step']:.2f}x")
        rows += pair
    print_table("Each entry's step against the matmul peak of its precision (FLOPs from the "
                "step's graph)", rows,
                ["entry", "setting", "images_per_second", "gflop_per_step", "achieved_gflops",
                 "share_of_peak", "bfloat16_speedup"])
    ops = profile.op_time_by_precision(PEAK_ENTRIES[-1], steps=3)
    print_table(f"Where {PEAK_ENTRIES[-1]}'s step time goes, XLA off (3 traced steps; ms per "
                "step, op time summed over TensorFlow's threads; baseline: float32, other: "
                "mixed bfloat16)", ops,
                ["op_type", "baseline_ops", "other_ops", "baseline_ms", "other_ms"])
    return {"matmul_gflops": machine_peaks, "bfloat16_matmul_ratio": round(ratio, 2),
            "entries": rows, "ops_by_precision": ops}


RUNNERS = {"families": families_section, "settings": settings_section,
           "tutorial": tutorial_section, "race": race_section, "memory": memory_section,
           "r3gan": r3gan_section, "peaks": peaks_section, "data": data_section,
           "twemoji": twemoji_section}
QUICK_SECTIONS = ("families", "settings", "tutorial")


def main(argv):
    del argv
    unknown = sorted(set(FLAGS.sections) - set(SECTIONS))
    if unknown:
        raise app.UsageError(f"unknown --sections {unknown}; choose from {', '.join(SECTIONS)}")
    started = time.perf_counter()
    steps, warmup = (8, 3) if FLAGS.quick else (15, 4)
    results = {"machine": machine(), "quick": FLAGS.quick}
    print(json.dumps(results["machine"]))
    results["section_seconds"] = {}
    for name in SECTIONS:
        if name in FLAGS.sections and (name in QUICK_SECTIONS or not FLAGS.quick):
            section_started = time.perf_counter()
            results["time_to_quality" if name == "race" else name] = RUNNERS[name](steps, warmup)
            results["section_seconds"][name] = round(time.perf_counter() - section_started, 1)
    _finish(results, started)


def _finish(results: dict, started: float) -> None:
    results["bench_seconds"] = round(time.perf_counter() - started, 1)
    out = Path(FLAGS.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(results, indent=2))
    sections = ", ".join(f"{k} {v:.0f} s" for k, v in results["section_seconds"].items())
    print(f"\nbench took {results['bench_seconds']:.0f} s ({sections}); results in {out}")


if __name__ == "__main__":
    app.run(main)
