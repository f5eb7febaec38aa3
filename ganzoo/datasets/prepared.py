"""A prepared image set (`ganzoo.imagefiles`) as the `ImageData` or `ImagePairs` training reads.

Single-domain sets stay on disk: batches are read by index from memory-mapped
uint8 shards, so a set of any size trains in constant memory. Two-domain sets
(translation) are held in memory as float32, as the translation pipeline needs;
they are small (horse2zebra's 2,400 images at 256 x 256 are 1.9 GB).
"""

import hashlib
from pathlib import Path

import tensorflow as tf

from ganzoo.datasets.base import ImageData, ImagePairs, to_unit_range
from ganzoo.imagefiles import store
from ganzoo.paths import shown


def describe(manifest: dict) -> str:
    source = manifest["source"]
    return (f"image files: {shown(source['path'])} ({source['kind']}, "
            f"{manifest['counts']['used']:,} used, prepared set {source['fingerprint'][:12]})")


def load(folder, split: str, name: str = "images") -> ImageData | ImagePairs:
    folder = Path(folder)
    manifest = store.read_manifest(folder)
    if split not in manifest["splits"]:
        share = manifest["settings"]["test_share"]
        why = ("train with data.test_share above 0 (default 0.1)" if not share else
               "no file name fell in that share: the split is fixed by each file's own name, "
               "so folders that repeat the same few names hold out all of them or none")
        raise ValueError(f"{folder} has no '{split}' split (has: "
                         f"{', '.join(manifest['splits'])}): no image was held out to measure "
                         f"against (test share {share}); {why}")
    domains = manifest["splits"][split]
    if manifest["kind"] == "pairs":
        a, b = (store.Shards(folder, domains[d]) for d in ("a", "b"))
        names = (folder / domains["a"]["names"]).read_text().splitlines()
        return ImagePairs(name=name, split=split, source=describe(manifest),
                          image_shape=tuple(manifest["image_shape"]), a=to_unit_range(a.all()),
                          b=to_unit_range(b.all()), paired=manifest["paired"],
                          keys=tuple(names) if manifest["paired"] else ())
    shards = store.Shards(folder, domains["images"])
    class_names = manifest["class_names"]

    def make():
        def read(indices):
            return shards.take(indices)

        ds = tf.data.Dataset.range(shards.count).batch(256)
        ds = ds.map(lambda i: tf.numpy_function(read, [i], (tf.uint8, tf.int32), stateful=False))
        ds = ds.unbatch().map(lambda x, y: (tf.ensure_shape(
            tf.cast(x, tf.float32) / 127.5 - 1.0, manifest["image_shape"]), y))
        return ds

    return ImageData(name=name, split=split, source=describe(manifest),
                     image_shape=tuple(manifest["image_shape"]), num_examples=shards.count,
                     num_classes=len(class_names) if class_names else None, make_dataset=make,
                     fetch=shards.take, class_names=tuple(class_names) if class_names else None)


def card_record(folder) -> dict:
    """What a model card keeps of its data: where it came from, which prepared set (the
    manifest's checksum), the counts, and what was converted or skipped."""
    folder = Path(folder)
    text = (folder / store.MANIFEST).read_bytes()
    manifest = store.read_manifest(folder)
    skipped = manifest["skipped"]
    return {
        "source": shown(manifest["source"]["path"]),
        "source_kind": manifest["source"]["kind"],
        "prepared": shown(folder),
        "manifest_sha256": hashlib.sha256(text).hexdigest(),
        "layout": manifest["layout"],
        "class_names": manifest["class_names"],
        "crop": manifest["settings"]["crop"],
        "size": manifest["settings"]["size"],
        "counts": manifest["counts"],
        "conversions": manifest["conversions"],
        "skipped_examples": {reason: [e if isinstance(e, str) else e["path"] for e in entries[:10]]
                             for reason, entries in skipped.items() if entries},
    }
