"""Prepare a user's images once: decode in parallel, convert, crop, resize, shard, report.

`prepare(source, out, settings)` lists the source, places each file (`layout`),
decodes the images on every core (`decode`), drops exact duplicates, writes uint8
shards (`store`) and a manifest that says what was used, converted and skipped, and
why. It refuses, before writing anything that training could read, when the source is
not what was meant: no images, too many unreadable files, classes that do not exist.

`ensure_prepared(source, settings)` is what training calls: a source that is already
a prepared set is used as it is; anything else is prepared into the cache and reused
while its files are unchanged (names, sizes, modification times or CRCs).
"""

import dataclasses
import hashlib
import json
import multiprocessing
import os
import shutil
import time
from dataclasses import dataclass
from pathlib import Path

from absl import logging

from ganzoo import files
from ganzoo.imagefiles import decode, layout, sources, store
from ganzoo.imagefiles.report import Progress, summary


@dataclass(frozen=True)
class Settings:
    size: int
    channels: int = 3
    crop: str = "center"
    labels: str = "none"  # "folders": first-level subfolders are classes
    layout: str = "auto"
    test_share: float = 0.1
    min_size: int = 0
    background: str = "white"
    max_images: int = 0  # 0: all
    max_unreadable: float = 0.1  # refuse above this share of unreadable image files

    def __post_init__(self):
        checks = [
            (self.size > 0, "size must be positive"),
            (self.channels in (1, 3), "channels must be 1 or 3"),
            (self.crop in decode.CROPS, f"crop must be one of {', '.join(decode.CROPS)}"),
            (self.labels in ("none", "folders"), "labels must be 'none' or 'folders'"),
            (self.layout in layout.LAYOUTS, f"layout must be one of {', '.join(layout.LAYOUTS)}"),
            (0 <= self.test_share < 1, "test_share must be in [0, 1)"),
            (self.background in decode.BACKGROUNDS, "background must be 'white' or 'black'"),
            (self.min_size >= 0 and self.max_images >= 0, "min_size and max_images must be >= 0"),
            (0 <= self.max_unreadable <= 1, "max_unreadable must be in [0, 1]"),
        ]
        for ok, message in checks:
            if not ok:
                raise ValueError(f"{message}, got {dataclasses.asdict(self)}")

    def decode_spec(self, split_ab: bool) -> decode.Spec:
        return decode.Spec(self.size, self.channels, self.crop, self.min_size, self.background,
                           split_ab)


class PrepareError(ValueError):
    """The source cannot become a training set; the message says why and where."""


def fingerprint(listing: sources.Listing) -> str:
    digest = hashlib.sha256()
    for m in listing.members:
        digest.update(f"{m.name}\0{m.size}\0{m.stamp}\n".encode())
    return digest.hexdigest()


def prepare(source, out, settings: Settings, *, command: str = "", workers: int | None = None,
            progress: bool = True, overwrite: bool = False) -> dict:
    """Prepare `source` into the folder `out`; returns the manifest.

    `out` may be new, or a prepared set of the same source (a stale one is replaced);
    anything else there is refused unless `overwrite`.
    """
    out = Path(out).expanduser().resolve()
    _check_out(out, source, overwrite)
    try:
        listing = sources.list_source(source)
    except sources.SourceError as err:
        raise PrepareError(str(err)) from None
    for leftover in files.abandoned_builds(out):
        logging.info("Removing %s: a preparation of %s that was killed before it finished",
                     leftover, out)
        shutil.rmtree(leftover, ignore_errors=True)
    started = time.perf_counter()
    with files.folder_built_beside(out) as partial:
        manifest = _prepare_into(partial, listing, settings, workers, progress)
        manifest["command"] = command
        manifest["seconds"] = round(time.perf_counter() - started, 1)
        (partial / store.MANIFEST).write_text(json.dumps(manifest, indent=1))
        files.move_folder_into_place(partial, out)
    return manifest


def _check_out(out: Path, source, overwrite: bool) -> None:
    if not out.exists() or overwrite:
        return
    if store.is_prepared(out):
        previous = store.read_manifest(out)["source"]["path"]
        if previous == str(Path(source).expanduser().resolve()):
            return
        raise PrepareError(f"{out} holds a set prepared from {previous}, not {source}; choose "
                           f"another --out or pass --overwrite")
    if out.is_dir() and not any(out.iterdir()):
        return
    raise PrepareError(f"{out} exists and is not a prepared image set; choose another --out or "
                       f"pass --overwrite")


def _prepare_into(folder: Path, listing, settings: Settings, workers, progress) -> dict:
    images, placed = _plan(listing, settings)
    shape = (settings.size, settings.size, settings.channels)
    tally = _Tally(folder, shape)
    bar = Progress(len(placed.examples), progress)
    spec = settings.decode_spec(split_ab=placed.layout == "ab")
    for example, result in _decoded(listing, placed.examples, spec, workers):
        tally.record(example, *result)
        bar.update(tally.attempted)
        if tally.mostly_unreadable(settings.max_unreadable, len(placed.examples)):
            break
    bar.done()
    if tally.mostly_unreadable(settings.max_unreadable, final=True):
        examples = "; ".join(f"{u['path']}: {u['reason']}" for u in tally.unreadable[:3])
        raise PrepareError(
            f"{listing.path}: {len(tally.unreadable)} of {tally.attempted} image files could not "
            f"be read ({len(tally.unreadable) / tally.attempted:.0%}, above the "
            f"{settings.max_unreadable:.0%} allowed): is this the right folder? e.g. {examples}")
    splits = tally.close()
    if "train" not in splits:
        raise PrepareError(f"{listing.path}: no usable image ended in the training split")
    return _manifest(listing, settings, images, placed, tally, splits, shape)


def _plan(listing, settings: Settings):
    """(image members, layout plan), or the error that says why there is nothing to train on."""
    images = [m for m in listing.members if m.is_image]
    where = str(listing.path)
    if not listing.members:
        raise PrepareError(f"{where} is empty: no files (looked for images: "
                           f"{', '.join(sorted(sources.IMAGE_SUFFIXES))})")
    if not images:
        others = [m.name for m in listing.members]
        raise PrepareError(f"{where} holds {len(others)} file(s) but no images (looked for "
                           f"{', '.join(sorted(sources.IMAGE_SUFFIXES))}); e.g. {others[:3]}")
    if settings.max_images:
        images = images[:settings.max_images]
    try:
        placed = layout.plan([m.name for m in images], listing.folders, layout=settings.layout,
                             labels=settings.labels, test_share=settings.test_share, where=where)
    except layout.LayoutError as err:
        raise PrepareError(str(err)) from None
    if placed.layout == "paired" and listing.kind == "tar":
        raise PrepareError(f"{where}: the paired layout reads A/ and B/ by name, and a tar archive "
                           f"is read in one pass; use a zip or a folder")
    if not placed.examples:
        raise PrepareError(f"{where}: no image could be placed in the {placed.layout} layout")
    return images, placed


class _Tally:
    """Decoded examples into their shard writers, and every other outcome into its list."""

    def __init__(self, folder: Path, shape):
        self.folder, self.shape = folder, shape
        self.writers: dict[tuple[str, str], store.ShardWriter] = {}
        self.unreadable, self.too_small, self.duplicates = [], [], []
        self.conversions: dict[str, int] = {}
        self._first_of_digest: dict[str, str] = {}
        self.attempted = self.used = 0

    def record(self, example, arrays, notes, failure, digest) -> None:
        self.attempted += 1
        if failure is not None:
            path, reason, category = failure
            (self.too_small if category == "too_small" else self.unreadable).append(
                {"path": path, "reason": reason})
            return
        if digest in self._first_of_digest:
            self.duplicates.append({"path": example.names[0],
                                    "same_as": self._first_of_digest[digest]})
            return
        self._first_of_digest[digest] = example.names[0]
        self.used += 1
        for note in notes:
            self.conversions[note] = self.conversions.get(note, 0) + 1
        domains = ("a", "b") if len(arrays) == 2 else (example.domain,)
        for domain, array in zip(domains, arrays):
            key = (example.split, domain)
            if key not in self.writers:
                self.writers[key] = store.ShardWriter(self.folder / example.split, domain,
                                                      self.shape)
            self.writers[key].add(array, example.label, example.names[0])

    def mostly_unreadable(self, threshold: float, total: int = 0, final: bool = False) -> bool:
        """A wrong folder is likelier than many broken files: above the threshold, refuse;
        early, once enough files were tried that the share is clear."""
        if not self.unreadable or (not final and self.attempted < min(500, total)):
            return False
        return len(self.unreadable) / self.attempted > threshold

    def close(self) -> dict[str, dict]:
        splits: dict[str, dict] = {}
        for (split, domain), writer in sorted(self.writers.items()):
            splits.setdefault(split, {})[domain] = writer.close()
        return splits


def _manifest(listing, settings, images, placed, tally: _Tally, splits, shape) -> dict:
    others = [m.name for m in listing.members if not m.is_image]
    return {
        "format": store.FORMAT,
        "source": {"path": str(listing.path.resolve()), "kind": listing.kind,
                   "fingerprint": fingerprint(listing), "files": len(listing.members),
                   "root": placed.root},
        "settings": {**dataclasses.asdict(settings),
                     "resize_filter": "Lanczos (Pillow), JPEG decoded at a reduced DCT scale "
                                      "first where the image is at least twice the size",
                     "crop_box": _crop_description(settings.crop)},
        "layout": placed.layout,
        "kind": "images" if placed.layout == "images" else "pairs",
        "paired": placed.layout in ("paired", "ab"),
        "image_shape": list(shape),
        "class_names": placed.class_names,
        "splits": splits,
        "counts": {
            # every entry of the source: the files, the extra links to them, what is not a file
            "entries": (len(listing.members) + len(listing.link_duplicates)
                        + len(listing.not_regular)),
            "files": len(listing.members),
            "image_files": len(images),
            "used": tally.used,
            "not_images": len(others),
            "unreadable": len(tally.unreadable),
            "too_small": len(tally.too_small),
            "duplicates": len(tally.duplicates),
            "link_duplicates": len(listing.link_duplicates),
            "not_regular": len(listing.not_regular),
            "outside_links": len(listing.outside_links),
            "not_placed": len(placed.skipped),
            **{f"{split}_{domain}": entry["count"] for split, d in splits.items()
               for domain, entry in d.items()},
        },
        "conversions": dict(sorted(tally.conversions.items())),
        "skipped": {
            "unreadable": tally.unreadable,
            "too_small": tally.too_small,
            "not_placed": [{"path": n, "reason": r} for n, r in placed.skipped],
            "duplicates": tally.duplicates,
            "link_duplicates": listing.link_duplicates,
            "not_regular": listing.not_regular,
            "outside_links": listing.outside_links,
            "not_images": others,
        },
    }


def _crop_description(crop: str) -> str:
    return {"center": "the central square of side min(width, height)",
            "celeba": "the central square of 140/178 of the width (140 x 140 on CelebA's "
                      "178 x 218 aligned faces)",
            "none": "the whole image, resized to a square (aspect ratio not kept)"}[crop]


# ----- decoding on every core -------------------------------------------------------

_reader = None
_spec = None
CHUNK = 512  # examples in flight: bounds memory whatever the number of images


def _start_worker(kind, path, spec):
    global _reader, _spec
    _reader = sources.Reader(kind, path) if kind != "tar" else None
    _spec = spec


def _decode_example(task):
    """(arrays, notes, (path, reason, category) or None, digest) of one example; decoding
    errors are results, so one bad file never stops a preparation."""
    names, payloads = task
    arrays, notes, digest = [], [], hashlib.blake2b(digest_size=16)
    for name, data in zip(names, payloads):
        try:
            data = data if data is not None else _reader.read(name)
            decoded, file_notes = decode.decode(data, _spec)
        except decode.TooSmall as err:
            return None, None, (name, str(err), "too_small"), None
        except decode.Unusable as err:
            return None, None, (name, str(err), "unreadable"), None
        except OSError as err:
            return None, None, (name, f"could not be read ({err.strerror or err})",
                                "unreadable"), None
        digest.update(data)
        arrays.extend(decoded)
        notes.extend(file_notes)
    return arrays, sorted(set(notes)), None, digest.hexdigest()


def _decoded(listing, examples, spec, workers):
    """(example, decoded result) in example order, decoded by a pool of processes."""
    workers = workers or os.cpu_count() or 1
    tasks = _tasks(listing, examples)
    if workers == 1:
        _start_worker(listing.kind, listing.path, spec)
        for example, task in tasks:
            yield example, _decode_example(task)
        return
    # spawn: workers import only Pillow, numpy and this package's light modules.
    context = multiprocessing.get_context("spawn")
    with context.Pool(workers, _start_worker, (listing.kind, str(listing.path), spec)) as pool:
        while True:
            chunk = [next(tasks, None) for _ in range(CHUNK)]
            chunk = [c for c in chunk if c is not None]
            if not chunk:
                break
            results = pool.imap(_decode_example, [task for _, task in chunk], chunksize=16)
            for (example, _), result in zip(chunk, results):
                yield example, result


def _tasks(listing, examples):
    if listing.kind != "tar":
        for example in examples:
            yield example, (example.names, (None,) * len(example.names))
        return
    wanted = {name: example for example in examples for name in example.names}
    for name, data in sources.read_in_order(listing, set(wanted)):
        yield wanted[name], ((name,), (data,))


def cache_folder(source, settings: Settings) -> Path:
    """Where training prepares `source` with `settings`: a key of both under the cache."""
    from ganzoo import paths

    resolved = str(Path(source).expanduser().resolve())
    key = hashlib.sha256(json.dumps([resolved, dataclasses.asdict(settings)],
                                    sort_keys=True).encode()).hexdigest()[:16]
    stem = Path(resolved).name.split(".")[0] or "images"
    return paths.cache_dir() / "prepared" / f"{stem}-{key}"


def ensure_prepared(source, settings: Settings, *, command: str = "", log=print,
                    workers: int | None = None) -> Path:
    """A prepared set of `source` that is current: `source` itself when it is one, else the
    cached copy, prepared again if the source's files changed since."""
    source = Path(source).expanduser()
    if store.is_prepared(source):
        check_compatible(store.read_manifest(source), settings, source)
        return source
    folder = cache_folder(source, settings)
    if store.is_prepared(folder):
        manifest = store.read_manifest(folder)
        try:
            listing = sources.list_source(source)
        except sources.SourceError as err:
            raise PrepareError(str(err)) from None
        if fingerprint(listing) == manifest["source"]["fingerprint"]:
            counts = manifest["counts"]
            skipped = ", ".join(f"{counts[key]:,} {key.replace('_', ' ')}" for key in
                                ("unreadable", "too_small", "duplicates", "not_placed",
                                 "not_regular", "not_images") if counts.get(key))
            log(f"Using the prepared copy of {source} in {folder} (source unchanged: "
                f"{len(listing.members):,} files, {counts['used']:,} used"
                f"{'; skipped: ' + skipped if skipped else ''}; every file in "
                f"{folder / store.MANIFEST})")
            return folder
        log(f"{source} changed since it was prepared ({manifest['source']['files']:,} files "
            f"then, {len(listing.members):,} now, or contents differ); preparing it again")
    manifest = prepare(source, folder, settings, command=command, overwrite=True,
                       workers=workers)
    log(summary(manifest))
    return folder


def check_compatible(manifest: dict, settings: Settings, where) -> None:
    """A set prepared by hand must match what the entry trains on."""
    prepared = manifest["settings"]
    for key in ("size", "channels"):
        if prepared[key] != getattr(settings, key):
            raise PrepareError(
                f"{where} was prepared with {key} {prepared[key]}, but this entry trains at "
                f"{getattr(settings, key)}; prepare it again with --{key} "
                f"{getattr(settings, key)} (or point --data at the original images)")
    if settings.labels == "folders" and not manifest["class_names"]:
        raise PrepareError(f"{where} was prepared without labels; this entry needs class folders "
                           f"(prepare with --labels folders)")
