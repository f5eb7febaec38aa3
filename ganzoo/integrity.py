"""Checks that a model folder is what its export wrote, before anything in it is read.

`export` records the SHA-256 of every file of a version in its card
(`ganzoo/card.json`). `verify_version` recomputes them, so a truncated
download, a flipped byte or a swapped weights file is refused with the name of
the file, instead of loading as silently wrong (or random) weights. Every
file must also resolve inside the version folder: a symlink pointing
elsewhere is refused, whatever it points at.
"""

import hashlib
import json
import re
from pathlib import Path

KERAS_FILE = Path("ganzoo") / "model.keras"  # what ganzoo.load rebuilds
CARD = Path("ganzoo") / "card.json"
SAMPLES = Path("ganzoo") / "samples.png"  # the sample grid the model card shows
CONFIG = Path("ganzoo") / "config.json"  # the resolved entry config the version was built from


class CorruptModelError(ValueError):
    """A model folder whose files do not match their recorded checksums, or cannot be read."""


def sha256(path: Path) -> str:
    return file_digest(path, "sha256")


def file_digest(path: Path, algorithm: str) -> str:
    """The hex digest of a file's bytes by `algorithm` ("sha256", or "md5" where the origin
    publishes only that)."""
    with open(path, "rb") as f:
        return hashlib.file_digest(f, algorithm).hexdigest()


def checksums(version_dir: Path) -> dict[str, str]:
    """SHA-256 of every file under `version_dir` except the card itself."""
    return {str(path.relative_to(version_dir)): sha256(path)
            for path in sorted(Path(version_dir).rglob("*"))
            if path.is_file() and path.relative_to(version_dir) != CARD}


def verify_version(version_dir: Path) -> None:
    version_dir = Path(version_dir)
    for path in [version_dir, *version_dir.rglob("*")]:
        if path.is_symlink():
            raise CorruptModelError(f"{path} is a symbolic link; model folders may not hold "
                                    f"links (they could point anywhere)")
    card_path = version_dir / CARD
    try:
        recorded = json.loads(card_path.read_text())["files"]
    except (OSError, ValueError, KeyError) as err:
        raise CorruptModelError(f"{card_path}: no readable checksum list ({err}); "
                                f"refusing to load unverified weights") from None
    actual = checksums(version_dir)
    for name, digest in recorded.items():
        if name not in actual:
            raise CorruptModelError(f"{version_dir / name} is missing (listed in {card_path})")
        if actual[name] != digest:
            raise CorruptModelError(f"{version_dir / name} does not match its recorded SHA-256 "
                                    f"(truncated, corrupted or replaced)")
    extra = sorted(set(actual) - set(recorded))
    if extra:
        raise CorruptModelError(f"{version_dir / extra[0]} is not one of the files the export "
                                f"recorded in {card_path}")


def available_versions(entry_dir: Path) -> list[int]:
    """Complete versions under `entry_dir`, oldest first (half-written ones are skipped)."""
    if not entry_dir.is_dir():
        return []
    return sorted(
        int(child.name)
        for child in entry_dir.iterdir()
        if re.fullmatch(r"[0-9]+", child.name) and (child / KERAS_FILE).is_file()
    )
