"""How fast a user's images reach `fit`, and what preparing them costs.

    python -m ganzoo.bench --sections data

On a folder of JPEGs in CelebA's shape (178 x 218, quality 90) written from
Twemoji's real PNGs (each emoji on five backgrounds: 20,045 files):

- images per second delivered as training batches (batch 128), at 64 and 128
  pixels: read directly from the JPEGs with Keras' `image_dataset_from_directory`
  (the one-call Keras way), against the prepared set read through the zoo's own
  input pipeline (`adversarial_batches`, what `fit` consumes);
- the preparation rate on every core, and from it the projected time for
  CelebA's 202,599 files;
- the peak memory of preparing 2,000 and 20,000 of the files, each in a fresh
  process (the parent's peak, and the largest worker's).
"""

import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

CELEBA_FILES = 202_599
BACKGROUNDS = ((255, 255, 255), (230, 230, 230), (200, 220, 255), (255, 230, 200), (60, 60, 60))
BATCH = 128


def write_jpeg_folder(folder: Path, copies: int = len(BACKGROUNDS)) -> int:
    """Twemoji's PNGs on `copies` backgrounds, as 178 x 218 JPEGs; returns the file count."""
    from PIL import Image

    from ganzoo.datasets import twemoji

    folder.mkdir(parents=True, exist_ok=True)
    count = 0
    for path in sorted(twemoji.folder().glob("*.png")):
        emoji = Image.open(path).convert("RGBA").resize((140, 140), Image.Resampling.LANCZOS)
        for background in BACKGROUNDS[:copies]:
            canvas = Image.new("RGBA", (178, 218), background + (255,))
            canvas.alpha_composite(emoji, (19, 39))
            canvas.convert("RGB").save(folder / f"{count:06d}.jpg", quality=90)
            count += 1
    return count


def _rate(dataset, batches: int, warmup: int = 5) -> float:
    iterator = iter(dataset)
    for _ in range(warmup):
        next(iterator)
    started = time.perf_counter()
    for _ in range(batches):
        next(iterator)
    return batches * BATCH / (time.perf_counter() - started)


def direct_jpeg_rate(folder: Path, size: int, batches: int) -> float:
    import keras
    import tensorflow as tf

    ds = keras.utils.image_dataset_from_directory(
        folder, labels=None, image_size=(size, size), batch_size=BATCH,
        crop_to_aspect_ratio=True, shuffle=True, seed=0, verbose=False)
    ds = ds.map(lambda x: x / 127.5 - 1.0).repeat().prefetch(tf.data.AUTOTUNE)
    return _rate(ds, batches)


def prepared_rate(prepared_folder: Path, batches: int) -> float:
    from ganzoo.datasets import pipeline, prepared

    data = prepared.load(prepared_folder, "train")
    ds = pipeline.adversarial_batches(data, global_batch_size=BATCH, d_steps=1, latent_dim=100,
                                      seed=0)
    return _rate(ds, batches)


def prepare_folder(source: Path, out: Path, size: int, max_images: int = 0) -> dict:
    from ganzoo.imagefiles import prepare

    return prepare.prepare(source, out, prepare.Settings(size=size, max_images=max_images),
                           progress=False, overwrite=True)


def peak_memory_mb(source: Path, out: Path, max_images: int) -> dict:
    done = subprocess.run([sys.executable, "-m", "ganzoo.bench.data", str(source), str(out),
                           str(max_images)], capture_output=True, text=True, timeout=1800)
    if done.returncode != 0:
        raise RuntimeError(f"preparing {max_images} images failed: {done.stderr[-2000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def data_section(quick: bool = False) -> list[dict]:
    rows = []
    with tempfile.TemporaryDirectory() as scratch:
        scratch = Path(scratch)
        jpegs = scratch / "jpegs"
        started = time.perf_counter()
        files = write_jpeg_folder(jpegs, copies=1 if quick else len(BACKGROUNDS))
        print(f"wrote {files:,} JPEGs of 178 x 218 in {time.perf_counter() - started:.0f} s")
        batches = 20 if quick else 60
        for size in (64, 128):
            manifest = prepare_folder(jpegs, scratch / f"prepared{size}", size)
            rate = files / manifest["seconds"]
            direct = direct_jpeg_rate(jpegs, size, batches)
            fed = prepared_rate(scratch / f"prepared{size}", batches * 20)
            rows.append({"size": size, "files": files,
                         "direct_jpeg_images_per_s": round(direct),
                         "prepared_images_per_s": round(fed),
                         "prepared_over_direct": round(fed / direct, 1),
                         "prepare_images_per_s": round(rate),
                         "celeba_projected_prepare_min": round(CELEBA_FILES / rate / 60, 1)})
        if not quick:
            for count in (2_000, 20_000):
                memory = peak_memory_mb(jpegs, scratch / f"memory{count}", count)
                rows.append({"size": 64, "files": count, **memory})
    return rows


if __name__ == "__main__":  # one preparation in a fresh process: its peak memory
    import resource

    source, out, count = Path(sys.argv[1]), Path(sys.argv[2]), int(sys.argv[3])
    prepare_folder(source, out, 64, count)
    status = dict(line.split(":", 1) for line in open("/proc/self/status") if ":" in line)
    parent = int(status["VmHWM"].split()[0]) / 1024
    worker = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    print(json.dumps({"prepare_peak_rss_mb": round(parent, 1),
                      "largest_worker_peak_rss_mb": round(worker, 1)}))
