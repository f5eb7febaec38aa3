"""The files of a user's image source: a folder, or a zip or tar archive read in place.

A source is listed once, as `Member`s in name order, each with what identifies its
content cheaply (size and modification time, or the archive's CRC), so a prepared set
can tell when its source has changed without reading every image again. Members are
read by name later, in worker processes, so nothing is extracted and nothing but the
files being decoded is in memory.

Folders are searched recursively, and every entry is accounted for. Symbolic links are
followed wherever they point, inside the folder or outside it (a folder of links into a photo
library is a common way to pick images); a link that leaves the folder is named in the report.
A file reached through more than one path is listed once. What cannot be a training image is
skipped and named with its reason, never opened: a FIFO, a socket or a device; a dangling
link; a link back to a folder that contains it (a loop, which would be walked forever).
Archive member names that would escape the archive
(`../x`, `/etc/x`, `C:\\x`) are refused, as `tarfile`'s and `zipfile`'s own
extraction filters would refuse them.
"""

import os
import stat as stat_module
import tarfile
import zipfile
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

IMAGE_SUFFIXES = frozenset({".jpg", ".jpeg", ".jpe", ".png", ".webp", ".bmp", ".gif", ".tif",
                            ".tiff"})


class SourceError(ValueError):
    """The source cannot be used at all; the message names the path and what was looked for."""


@dataclass(frozen=True)
class Member:
    name: str  # posix path relative to the source root
    size: int
    stamp: str  # mtime (folders, tar) or CRC (zip): changes when the content does

    @property
    def is_image(self) -> bool:
        return PurePosixPath(self.name).suffix.lower() in IMAGE_SUFFIXES


@dataclass
class Listing:
    kind: str  # "folder", "zip" or "tar"
    path: Path
    members: list[Member]
    link_duplicates: list[str] = field(default_factory=list)  # extra paths to listed files
    folders: list[str] = field(default_factory=list)  # every folder, empty ones included
    # entries that are not files to read: {"path", "reason"} (FIFOs, sockets, devices, dangling
    # links, link loops), and links followed to files or folders outside the source
    not_regular: list[dict] = field(default_factory=list)
    outside_links: list[str] = field(default_factory=list)


def list_source(path) -> Listing:
    """Every regular file of `path` (folder, .zip, .tar, .tar.gz, ...), in name order."""
    path = Path(path).expanduser()
    if not path.exists():
        raise SourceError(f"{path} does not exist (expected a folder of images or a zip/tar "
                          f"archive of them)")
    if path.is_dir():
        return _list_folder(path)
    if not os.access(path, os.R_OK):
        raise SourceError(f"{path}: permission denied (cannot read the archive)")
    if zipfile.is_zipfile(path):
        return _list_zip(path)
    if _is_tar(path):
        return _list_tar(path)
    if path.suffix.lower() in (".zip", ".tar", ".tgz", ".gz", ".bz2", ".xz"):
        raise SourceError(f"{path} is named like an archive but is not a readable zip or tar "
                          f"archive (truncated download?)")
    raise SourceError(f"{path} is a file, not a folder of images or a zip/tar archive")


def _is_tar(path: Path) -> bool:
    try:
        return tarfile.is_tarfile(path)
    except OSError:
        return False


def _list_folder(root: Path) -> Listing:
    members, seen_files, duplicates, folders = [], {}, [], []
    not_regular, outside = [], []
    root_real = root.resolve()

    def skip(name, reason):
        not_regular.append({"path": str(name), "reason": reason})

    def walk(folder: Path, relative: PurePosixPath, ancestors: tuple):
        try:
            entries = sorted(os.scandir(folder), key=lambda e: e.name)
        except PermissionError:
            raise SourceError(f"{folder}: permission denied (cannot list the folder)") from None
        for entry in entries:
            name = relative / entry.name
            if entry.is_symlink():
                target = os.readlink(entry.path)
                if not os.path.exists(entry.path):
                    skip(name, f"dangling symbolic link (to {target}, which does not exist)")
                    continue
                real = Path(entry.path).resolve()
                if entry.is_dir(follow_symlinks=True) and real in ancestors:
                    skip(name, f"symbolic link loop: it leads back to {real}, a folder that "
                               f"contains it")
                    continue
                if not real.is_relative_to(root_real):
                    outside.append(f"{name} -> {real}")
            if entry.is_dir(follow_symlinks=True):
                folders.append(str(name))
                walk(Path(entry.path), name, ancestors + (Path(entry.path).resolve(),))
            elif entry.is_file(follow_symlinks=True):
                real = os.path.realpath(entry.path)
                if real in seen_files:
                    duplicates.append(f"{name} (same file as {seen_files[real]})")
                    continue
                seen_files[real] = str(name)
                if not os.access(entry.path, os.R_OK):
                    raise SourceError(f"{entry.path}: permission denied (cannot read the file)")
                stat = entry.stat(follow_symlinks=True)
                members.append(Member(str(name), stat.st_size, str(stat.st_mtime_ns)))
            else:  # never opened: reading a FIFO would wait for a writer forever
                skip(name, _special_kind(entry))

    walk(root, PurePosixPath(), (root_real,))
    members.sort(key=lambda m: m.name)
    return Listing("folder", root, members, duplicates, sorted(folders), not_regular, outside)


def _special_kind(entry) -> str:
    """What a directory entry that is neither a file nor a folder is, from its mode alone."""
    mode = entry.stat(follow_symlinks=True).st_mode
    for test, kind in ((stat_module.S_ISFIFO, "a FIFO (named pipe)"),
                       (stat_module.S_ISSOCK, "a socket"),
                       (stat_module.S_ISCHR, "a character device"),
                       (stat_module.S_ISBLK, "a block device")):
        if test(mode):
            return f"not a regular file: {kind}, never opened"
    return "not a regular file, never opened"


def safe_member_name(name: str, archive: Path) -> str:
    """`name` as a relative posix path inside the archive, or a SourceError if it escapes."""
    posix = name.replace("\\", "/")
    parts = PurePosixPath(posix).parts
    if posix.startswith("/") or (parts and parts[0].endswith(":")) or ".." in parts:
        raise SourceError(f"{archive}: member '{name}' would escape the archive (absolute path "
                          f"or '..'); refusing to read this archive")
    return posix


def _list_zip(path: Path) -> Listing:
    with zipfile.ZipFile(path) as archive:
        infos = archive.infolist()
        members = [Member(safe_member_name(info.filename, path), info.file_size,
                          f"{info.CRC:08x}")
                   for info in infos if not info.is_dir()]
        folders = [safe_member_name(info.filename, path).rstrip("/")
                   for info in infos if info.is_dir()]
    members.sort(key=lambda m: m.name)
    return Listing("zip", path, members, folders=sorted(folders))


def _list_tar(path: Path) -> Listing:
    members, folders = [], []
    with tarfile.open(path) as archive:
        for info in archive:
            name = safe_member_name(info.name, path)
            if info.isfile():
                members.append(Member(name, info.size, str(info.mtime)))
            elif info.isdir():
                folders.append(name.rstrip("/"))
    return Listing("tar", path, members, folders=sorted(folders))  # archive order: one pass


class Reader:
    """Reads members' bytes by name; one per worker process. A compressed tar cannot be read
    by name without decompressing from its start, so tar members are read in one pass by
    `read_in_order` instead."""

    def __init__(self, kind: str, path: Path):
        self.kind, self.path = kind, Path(path)
        self._zip = zipfile.ZipFile(self.path) if kind == "zip" else None

    def read(self, name: str) -> bytes:
        if self.kind == "folder":
            return (self.path / name).read_bytes()
        if self.kind == "zip":
            return self._zip.read(name)
        raise ValueError("tar members are read in order (read_in_order)")


def read_in_order(listing: Listing, names: set[str]):
    """(name, bytes) of the tar members in `names`, in archive order, one pass."""
    with tarfile.open(listing.path) as archive:
        for info in archive:
            if info.isfile() and info.name.replace("\\", "/") in names:
                yield info.name.replace("\\", "/"), archive.extractfile(info).read()
