"""Which training example each file of a source becomes: split, domain, label.

Layouts people already have:

- `images`: any files, anywhere below the root; with `labels="folders"` the first
  level of subfolders names the classes (`cat/1.jpg`, `dog/7.png`).
- `unpaired`: CycleGAN's `trainA/ trainB/ [testA/ testB/]`, two unrelated domains.
- `paired`: pix2pix's `A/` and `B/` holding the same file names (extensions may
  differ), one pair per name.
- `ab`: pix2pix's distributed files, A and B side by side in one image, optionally
  in `train/ val/ test/`.

An archive or folder that wraps everything in one top folder (`horse2zebra/trainA`,
`img_align_celeba/000001.jpg`) is read from inside it. Without a test folder, the
held-out split is chosen by a hash of the file name, so it is fixed forever and the
same whatever else is added.
"""

import hashlib
from dataclasses import dataclass
from pathlib import PurePosixPath

LAYOUTS = ("auto", "images", "unpaired", "paired", "ab")
UNPAIRED_DIRS = {"trainA": ("train", "a"), "trainB": ("train", "b"),
                 "testA": ("test", "a"), "testB": ("test", "b")}
AB_SPLIT_DIRS = {"train": "train", "val": "test", "test": "test"}


@dataclass(frozen=True)
class Example:
    """One training example: the member names it reads (one, or A and B), where it goes."""

    split: str
    names: tuple[str, ...]
    label: int = 0
    domain: str = "images"  # "images", or "a"/"b" for unpaired members


@dataclass
class Plan:
    layout: str
    root: str  # the wrapper folder read from inside ("" for none)
    examples: list[Example]
    class_names: list[str] | None
    skipped: list[tuple[str, str]]  # (name, reason) of image files the layout cannot place


class LayoutError(ValueError):
    """The files do not form the layout asked for; the message says what was looked for."""


def held_out(name: str, test_share: float) -> bool:
    """True for the fixed share of file names that form the test split. Only the file's own
    name counts, not its folders, so moving files or adding folders never reshuffles it."""
    digest = hashlib.sha1(PurePosixPath(name).name.encode("utf-8")).digest()
    return int.from_bytes(digest[:4], "big") / 2**32 < test_share


def plan(image_names: list[str], folders: list[str], *, layout="auto", labels="none",
         test_share=0.1, where="source") -> Plan:
    """Place every image file of a source (names relative to the source, in read order)."""
    if layout not in LAYOUTS:
        raise LayoutError(f"layout must be one of {', '.join(LAYOUTS)}, not '{layout}'")
    root = _wrapper(image_names, labels == "folders" and layout in ("auto", "images"))
    inner = [_inside(n, root) for n in image_names]
    tops = {PurePosixPath(n).parts[0] for n in inner if len(PurePosixPath(n).parts) > 1}
    if layout == "auto":
        layout = ("unpaired" if {"trainA", "trainB"} <= tops else
                  "paired" if {"A", "B"} <= tops else "images")
    at = f"{where}/{root}" if root else where
    if layout == "unpaired":
        return _unpaired(image_names, inner, tops, root, test_share, at)
    if layout == "paired":
        return _paired(image_names, inner, tops, root, test_share, at)
    if layout == "ab":
        return _side_by_side(image_names, inner, root, test_share)
    return _images(image_names, inner, root, folders, labels, test_share, at)


def _wrapper(names, keep_class_level: bool) -> str:
    """The single top folder that wraps every file, if there is one."""
    root = PurePosixPath()
    while names:
        inner = [PurePosixPath(n).relative_to(root).parts for n in names]
        tops = {parts[0] for parts in inner}
        depth = min(len(parts) for parts in inner)
        if len(tops) != 1 or depth < (3 if keep_class_level else 2):
            break
        top = tops.pop()
        if top in UNPAIRED_DIRS or top in ("A", "B"):
            break
        root = root / top
    return "" if str(root) == "." else str(root)


def _inside(name: str, root: str) -> str:
    return str(PurePosixPath(name).relative_to(root)) if root else name


def _images(names, inner, root, folders, labels, test_share, at) -> Plan:
    skipped, examples = [], []
    class_names = None
    if labels == "folders":
        class_names = sorted({PurePosixPath(n).parts[0] for n in inner
                              if len(PurePosixPath(n).parts) > 1})
        inner_folders = {_inside(f, root) for f in folders
                         if not root or f.startswith(root + "/")}
        top_folders = {PurePosixPath(f).parts[0] for f in inner_folders if f not in ("", ".")}
        empty = sorted(top_folders - set(class_names))
        if empty:
            raise LayoutError(f"class folder '{empty[0]}' in {at} has no images (--labels "
                              f"folders makes every first-level folder a class)")
        if len(class_names) < 2:
            found = f"only '{class_names[0]}'" if class_names else "no subfolders"
            raise LayoutError(f"--labels folders needs two or more class folders in {at}, found "
                              f"{found}")
    index = {c: i for i, c in enumerate(class_names or [])}
    for name, rel in zip(names, inner):
        parts = PurePosixPath(rel).parts
        if class_names is not None and len(parts) < 2:
            skipped.append((name, "not inside a class folder (--labels folders)"))
            continue
        label = index[parts[0]] if class_names is not None else 0
        split = "test" if held_out(rel, test_share) else "train"
        examples.append(Example(split, (name,), label))
    return Plan("images", root, examples, class_names, skipped)


def _unpaired(names, inner, tops, root, test_share, at) -> Plan:
    if not {"trainA", "trainB"} <= tops:
        raise LayoutError(f"the unpaired layout needs trainA/ and trainB/ folders in {at}; "
                          f"found {', '.join(sorted(tops)) or 'no folders'}")
    has_test = {"testA", "testB"} <= tops
    examples, skipped = [], []
    for name, rel in zip(names, inner):
        top = PurePosixPath(rel).parts[0]
        if top not in UNPAIRED_DIRS or len(PurePosixPath(rel).parts) < 2:
            skipped.append((name, "outside trainA/ trainB/ testA/ testB/"))
            continue
        split, domain = UNPAIRED_DIRS[top]
        if not has_test:
            if split == "test":
                skipped.append((name, "testA/ and testB/ must both exist"))
                continue
            split = "test" if held_out(rel, test_share) else "train"
        examples.append(Example(split, (name,), domain=domain))
    return Plan("unpaired", root, examples, None, skipped)


def _paired(names, inner, tops, root, test_share, at) -> Plan:
    if not {"A", "B"} <= tops:
        raise LayoutError(f"the paired layout needs A/ and B/ folders with the same file names "
                          f"in {at}; found {', '.join(sorted(tops)) or 'no folders'}")
    by_domain = {"A": {}, "B": {}}
    skipped = []
    for name, rel in zip(names, inner):
        parts = PurePosixPath(rel).parts
        if parts[0] not in by_domain or len(parts) < 2:
            skipped.append((name, "outside A/ and B/"))
            continue
        key = str(PurePosixPath(*parts[1:]).with_suffix(""))
        by_domain[parts[0]][key] = name
    examples = []
    for key in sorted(set(by_domain["A"]) | set(by_domain["B"])):
        a, b = by_domain["A"].get(key), by_domain["B"].get(key)
        if a is None or b is None:
            skipped.append((a or b, f"no file of the same name in {'B' if b is None else 'A'}/"))
            continue
        examples.append(Example("test" if held_out(key, test_share) else "train", (a, b)))
    return Plan("paired", root, examples, None, skipped)


def _side_by_side(names, inner, root, test_share) -> Plan:
    examples = []
    for name, rel in zip(names, inner):
        parts = PurePosixPath(rel).parts
        if len(parts) > 1 and parts[0] in AB_SPLIT_DIRS:
            split = AB_SPLIT_DIRS[parts[0]]
        else:
            split = "test" if held_out(rel, test_share) else "train"
        examples.append(Example(split, (name,)))
    return Plan("ab", root, examples, None, [])
