"""The registry: every file of every shipped model version, with its size and SHA-256.

The wheel carries this list instead of the models (docs/distribution.md). It is the trust
anchor of every fetch: a file is used only when its bytes hash to what the registry says,
wherever they came from. The maintainers' `saved_models/` is its source:

    python -m ganzoo.hub.registry --write

and `tests/test_hub.py` fails when the packaged registry differs from `saved_models/`.

An item is a version folder (`dcgan_mnist/7`) or the judges' folder (`_evaluators`); its
files are paths relative to it, as they lie on a mirror and in the cache.
"""

import argparse
import functools
import json
import re
from dataclasses import dataclass
from pathlib import Path

from ganzoo import integrity, paths

REGISTRY_FILE = Path(__file__).with_name("registry.json")
EVALUATORS = "_evaluators"
FORMAT = 1


@dataclass(frozen=True)
class FileRecord:
    path: str  # relative to its item
    size: int | None  # None: not published by the file's origin
    digest: str  # hex
    algorithm: str = "sha256"

    @property
    def checksum(self) -> str:
        """As pooch and the error messages write it: "sha256:<hex>"."""
        return f"{self.algorithm}:{self.digest}"


# Files the zoo uses but did not make, fetched from their origin unless a mirror is set.
# InceptionV3's pool weights are the file Keras' own `InceptionV3(include_top=False,
# weights="imagenet")` downloads, checked by the MD5 Keras checks it by
# (keras/src/applications/inception_v3.py); these machines have no network, so its SHA-256
# and size could not be recorded here.
INCEPTION = "inception"
EXTERNAL = {
    INCEPTION: ("https://storage.googleapis.com/tensorflow/keras-applications/inception_v3",
                [FileRecord("inception_v3_weights_tf_dim_ordering_tf_kernels_notop.h5", None,
                            "bcbd6486424b2319ff4ef7d526e38f63", "md5")]),
}


def item_name(entry: str, version: int) -> str:
    return f"{entry}/{version}"


def scan(models_root: Path) -> dict[str, list[FileRecord]]:
    """The registry of what lies under `models_root` (a `saved_models/` folder)."""
    items = {}
    for entry in sorted(p for p in Path(models_root).iterdir() if p.is_dir()):
        if entry.name == EVALUATORS:
            folders = [(EVALUATORS, entry)]
        else:
            folders = [(item_name(entry.name, v), entry / str(v))
                       for v in integrity.available_versions(entry)]
        for name, folder in folders:
            items[name] = [FileRecord(str(p.relative_to(folder).as_posix()), p.stat().st_size,
                                      integrity.sha256(p))
                           for p in sorted(folder.rglob("*")) if p.is_file()]
    return items


def to_json(items: dict[str, list[FileRecord]]) -> str:
    return json.dumps({"format": FORMAT, "items": {
        name: {r.path: {"size": r.size, "sha256": r.digest} for r in records}
        for name, records in items.items()}}, indent=1, sort_keys=True) + "\n"


def with_external(items: dict[str, list[FileRecord]]) -> dict[str, list[FileRecord]]:
    """`items` and the files the zoo uses but did not make (`EXTERNAL`)."""
    return {**items, **{name: records for name, (_, records) in EXTERNAL.items()}}


def origin(item: str) -> str | None:
    """Where an external item comes from when no mirror is set; None for the zoo's own."""
    return EXTERNAL[item][0] if item in EXTERNAL else None


def load(path: Path = REGISTRY_FILE) -> dict[str, list[FileRecord]]:
    """The registry at `path`, read once per process: `load`, `locate` and `ganzoo list`
    consult it for every name, and the packaged file does not change while ganzoo runs.
    Callers must not mutate what it returns."""
    return _read(Path(path))


@functools.cache
def _read(path: Path) -> dict[str, list[FileRecord]]:
    raw = json.loads(path.read_text())
    if raw.get("format") != FORMAT:
        raise ValueError(f"{path}: registry format {raw.get('format')}, expected {FORMAT}")
    return {name: [FileRecord(p, f["size"], f["sha256"]) for p, f in sorted(files.items())]
            for name, files in raw["items"].items()}


def versions(entry: str, items: dict | None = None) -> list[int]:
    """The registered versions of zoo entry `entry`, oldest first."""
    items = load() if items is None else items
    found = (re.fullmatch(rf"{re.escape(entry)}/([0-9]+)", name) for name in items)
    return sorted(int(m.group(1)) for m in found if m)


def entries(items: dict | None = None) -> list[str]:
    items = load() if items is None else items
    return sorted({name.split("/")[0] for name in items if name != EVALUATORS})


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m ganzoo.hub.registry", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--write", action="store_true", help="rewrite the packaged registry")
    args = parser.parse_args(argv)
    text = to_json(scan(paths.shipped_models_dir()))
    if args.write:
        REGISTRY_FILE.write_text(text)
    items = json.loads(text)["items"]
    total = sum(f["size"] for files in items.values() for f in files.values())
    print(f"{len(items)} items, {sum(map(len, items.values()))} files, {total / 2**20:.1f} MiB"
          + (f"; written to {REGISTRY_FILE}" if args.write else ""))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
