"""A prepared image set on disk: uint8 shards read by memory-mapping, and its manifest.

    DIR/manifest.json            what was prepared, from what, and everything skipped
    DIR/<split>/<domain>-00000.npy   (n, S, S, C) uint8, SHARD_IMAGES per file
    DIR/<split>/<domain>-labels.npy  (n,) int32 class indices
    DIR/<split>/<domain>-names.txt   the source file of each image, one per line

`manifest.json` is written last, and the folder is built beside its final place and
renamed into it, so a set without a complete manifest was never finished and is never
read. The writer holds one image in memory, whatever the number of images.
"""

import json
from pathlib import Path

import numpy as np

MANIFEST = "manifest.json"
FORMAT = "ganzoo-prepared-images/1"
SHARD_IMAGES = 4096


class NotPrepared(ValueError):
    """The folder is not a complete prepared set."""


class ShardWriter:
    """Writes each image to its shard file as it arrives, so the writer holds one image, not a
    shard: a shard's header is written for SHARD_IMAGES and rewritten in place for the count
    that arrived (numpy pads `.npy` headers so the shape can change without moving the data)."""

    def __init__(self, folder: Path, domain: str, image_shape: tuple[int, int, int]):
        self.folder, self.domain, self.image_shape = Path(folder), domain, tuple(image_shape)
        self.folder.mkdir(parents=True, exist_ok=True)
        self._file = None
        self._filled = 0
        self.shards: list[str] = []
        self.labels: list[int] = []
        self.names: list[str] = []

    def add(self, image: np.ndarray, label: int, name: str) -> None:
        if image.shape != self.image_shape or image.dtype != np.uint8:
            raise ValueError(f"{name}: decoded to {image.shape} {image.dtype}, "
                             f"expected {self.image_shape} uint8")
        if self._file is None:
            path = self.folder / f"{self.domain}-{len(self.shards):05d}.npy"
            self._file = open(path, "wb")
            self._data_start = self._write_header(SHARD_IMAGES)
            self.shards.append(f"{self.folder.name}/{path.name}")
        self._file.write(np.ascontiguousarray(image).tobytes())
        self._filled += 1
        self.labels.append(label)
        self.names.append(name)
        if self._filled == SHARD_IMAGES:
            self._finish_shard()

    def _write_header(self, count: int) -> int:
        np.lib.format.write_array_header_1_0(
            self._file, {"descr": "|u1", "fortran_order": False,
                         "shape": (count, *self.image_shape)})
        return self._file.tell()

    def _finish_shard(self):
        if self._file is None:
            return
        self._file.seek(0)
        if self._write_header(self._filled) != self._data_start:
            raise RuntimeError("the .npy header changed length; the shard would be corrupt")
        self._file.close()
        self._file, self._filled = None, 0

    def close(self) -> dict:
        self._finish_shard()
        np.save(self.folder / f"{self.domain}-labels.npy", np.asarray(self.labels, np.int32))
        (self.folder / f"{self.domain}-names.txt").write_text(
            "".join(n + "\n" for n in self.names))
        return {"count": len(self.labels), "shards": self.shards,
                "labels": f"{self.folder.name}/{self.domain}-labels.npy",
                "names": f"{self.folder.name}/{self.domain}-names.txt"}


def read_manifest(folder) -> dict:
    path = Path(folder) / MANIFEST
    try:
        manifest = json.loads(path.read_text())
    except (OSError, ValueError):
        raise NotPrepared(
            f"{folder} is not a prepared image set (no readable {MANIFEST})") from None
    if manifest.get("format") != FORMAT:
        raise NotPrepared(f"{path} is not a ganzoo prepared image set ({manifest.get('format')})")
    return manifest


def is_prepared(folder) -> bool:
    try:
        read_manifest(folder)
        return True
    except NotPrepared:
        return False


class Shards:
    """Images of one split and domain, addressed by index, memory-mapped: only the pages
    of the images asked for are read."""

    def __init__(self, folder: Path, entry: dict):
        self.count = entry["count"]
        self._maps = [np.load(Path(folder) / s, mmap_mode="r") for s in entry["shards"]]
        self.labels = np.load(Path(folder) / entry["labels"])
        self.image_shape = tuple(self._maps[0].shape[1:]) if self._maps else None

    def take(self, indices: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """(uint8 images, int32 labels) at `indices`, in that order."""
        indices = np.asarray(indices, np.int64).reshape(-1)
        out = np.empty((len(indices), *self.image_shape), np.uint8)
        shard, offset = np.divmod(indices, SHARD_IMAGES)
        for s in np.unique(shard):
            where = np.nonzero(shard == s)[0]
            order = np.argsort(offset[where])  # ascending offsets read the file forwards
            out[where[order]] = self._maps[s][offset[where[order]]]
        return out, self.labels[indices]

    def all(self) -> np.ndarray:
        return np.concatenate([np.asarray(m) for m in self._maps]) if self._maps else None
