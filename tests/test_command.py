"""The `ganzoo` command: list, info, sample, interpolate, translate, the tools as subcommands,
and bad input as one line with exit status 2. Runs on the shipped models."""

import os
import subprocess
import sys

import numpy as np
import pytest
from PIL import Image

import ganzoo
from ganzoo import cli, imaging
from ganzoo.imagefiles import decode
from ganzoo.paths import repository_root
from tests.real_images import twemoji_pngs


def run(capsys, *argv):
    status = cli.main(list(argv))
    out, err = capsys.readouterr()
    return status, out, err


def test_sample_writes_a_grid_and_the_same_seed_gives_the_same_file(tmp_path, capsys):
    first, again, other = tmp_path / "a.png", tmp_path / "b.png", tmp_path / "c.png"
    for path, seed in ((first, "0"), (again, "0"), (other, "1")):
        status, out, _ = run(capsys, "sample", "dcgan_mnist", "-n", "16", "--seed", seed,
                             "-o", str(path))
        assert status == 0 and "grid of 16 samples" in out
    assert first.read_bytes() == again.read_bytes() != other.read_bytes()
    picture = imaging.load_png(first)
    assert picture.shape == (4 * (28 + 2) + 2,) * 2  # 4 x 4 digits of 28 px, 2 px apart
    expected = imaging.grid(ganzoo.load("dcgan_mnist").sample(16, seed=0))[..., 0]
    np.testing.assert_array_equal(picture, expected)


def test_sample_one_png_per_image_class_names_and_points(tmp_path, capsys):
    status, _, _ = run(capsys, "sample", "cgan_mnist", "-n", "4", "--labels", "3,7",
                       "--outdir", str(tmp_path / "each"))
    assert status == 0
    files = sorted((tmp_path / "each").glob("*.png"))
    expected = ganzoo.load("cgan_mnist").sample(4, labels=[3, 7, 3, 7], seed=0)
    assert len(files) == 4
    np.testing.assert_array_equal(imaging.load_png(files[1]), imaging.to_uint8(expected[1])[..., 0])
    status, out, _ = run(capsys, "sample", "gan_ring8", "-n", "500", "-o", str(tmp_path / "r.png"))
    assert status == 0 and "scatter plot" in out
    assert imaging.load_png(tmp_path / "r.png").shape == (300, 300, 3)


def test_truncation_draws_samples_nearer_the_mean_image():
    model = ganzoo.load("dcgan_mnist")
    mean = model.sample(1000, seed=0).mean(axis=0)
    spread = {psi: float(np.sqrt(((model.sample(1000, seed=1, truncation=psi) - mean) ** 2)
                                 .mean())) for psi in (None, 0.7, 0.5)}
    assert spread[0.5] < spread[0.7] < spread[None]
    with pytest.raises(ValueError, match=r"truncation must be in \(0, 1\]"):
        model.sample(2, truncation=1.5)


def test_interpolate_writes_an_animated_gif_through_each_seeds_sample(tmp_path, capsys):
    gif = tmp_path / "walk.gif"
    status, out, _ = run(capsys, "interpolate", "dcgan_mnist", "--seeds", "1,2,3", "--frames",
                         "4", "-o", str(gif))
    assert status == 0 and "9 frames" in out
    animation = Image.open(gif)
    assert animation.is_animated and animation.n_frames == 9
    model = ganzoo.load("dcgan_mnist")
    walk = model.walk([1, 2, 3], frames=4)
    for frame, seed in ((0, 1), (4, 2), (8, 3)):  # the walk passes through each seed's sample
        np.testing.assert_allclose(walk[frame], model.sample(1, seed=seed)[0], atol=1e-6)
    assert not np.allclose(walk[1], walk[0]) and not np.allclose(walk[1], walk[4])


def test_a_cgan_walk_holds_the_class_or_changes_it_halfway():
    model = ganzoo.load("cgan_mnist")
    held = model.walk([1, 2], frames=4, labels=[7])
    np.testing.assert_allclose(held[-1], model.sample(1, seed=2, labels=[7])[0], atol=1e-6)
    moving = model.walk([1, 2], frames=4, labels=[3, 7])
    np.testing.assert_allclose(moving[0], model.sample(1, seed=1, labels=[3])[0], atol=1e-6)
    np.testing.assert_allclose(moving[-1], model.sample(1, seed=2, labels=[7])[0], atol=1e-6)
    with pytest.raises(ValueError, match="one label, or one per seed"):
        model.walk([1, 2, 3], labels=[3, 7])


def test_translate_turns_pngs_of_any_size_into_pngs(tmp_path, capsys):
    source = twemoji_pngs(1)[0]  # a real 72 x 72 palette PNG with transparency
    png = tmp_path / "emoji.png"
    png.write_bytes(source.read_bytes())
    wide = tmp_path / "wide.jpg"
    Image.open(png).convert("RGBA").resize((150, 100)).convert("RGB").save(wide)
    status, out, _ = run(capsys, "translate", "pix2pix_emoji", str(png), str(wide),
                         "-o", str(tmp_path / "out"))
    assert status == 0 and "2 PNGs (a2b)" in out
    model = ganzoo.load("pix2pix_emoji")
    for name, path in (("emoji", png), ("wide", wide)):
        written = imaging.load_png(tmp_path / "out" / f"{name}.png")
        assert written.shape == (64, 64, 3)
        pixels = decode.decode(path.read_bytes(), decode.Spec(size=64))[0][0]  # centre square
        expected = model.translate(pixels[None].astype(np.float32) / 127.5 - 1.0)
        np.testing.assert_array_equal(written, imaging.to_uint8(expected[0]))


@pytest.mark.parametrize("argv, message", [
    (["sample", "no_such_entry"], "unknown zoo entry 'no_such_entry'"),
    (["sample", "dcgan_mnist", "--seed", "x"], "--seed: expected an integer >= 0, got 'x'"),
    (["sample", "cgan_mnist", "--labels", "3,12"], r"labels must be in \[0, 10\)"),
    (["sample", "cgan_mnist", "--labels", "cat"], "unknown class name 'cat'"),
    (["sample", "dcgan_mnist", "--truncation", "2"], r"expected a number in \(0, 1\]"),
    (["interpolate", "dcgan_mnist", "--seeds", "1"], "two or more seeds"),
    (["translate", "pix2pix_emoji", "/no/such.png", "-o", "out"], "No such file"),
    (["translate", "dcgan_mnist", "x.png", "-o", "out"], "does not translate images"),
    (["info", "no_such_entry"], "unknown zoo entry"),
    (["frobnicate"], "invalid choice: 'frobnicate'"),
])
def test_bad_input_is_one_line_and_status_2(argv, message, capsys, tmp_path, monkeypatch):
    import re

    monkeypatch.chdir(tmp_path)
    status, _, err = run(capsys, *argv)
    assert status == 2
    assert len(err.strip().splitlines()) == 1 and "Traceback" not in err, err
    assert re.search(message, err), err


def test_a_bad_image_file_is_named(tmp_path, capsys):
    bad = tmp_path / "bad.png"
    bad.write_text("not an image")
    status, _, err = run(capsys, "translate", "pix2pix_emoji", str(bad), "-o", str(tmp_path))
    assert status == 2 and f"{bad}: not a readable image" in err


def test_list_and_info_read_the_cards(capsys):
    status, out, _ = run(capsys, "list")
    assert status == 0
    assert any(line.split()[:4] == ["fastgan_twemoji", "fastgan", "twemoji", "v1"]
               for line in out.splitlines())
    assert "dcgan_celeba" in out and "not trained" in out
    status, out, _ = run(capsys, "info", "fastgan_twemoji")
    assert status == 0
    assert "versions: 1" in out and "6,400 steps" in out and "checks: FID 0.051" in out
    status, out, _ = run(capsys, "info", "dcgan_celeba")
    assert status == 0 and "--data PATH" in out


def test_the_command_line_program_runs_its_tools_and_starts_quietly(tmp_path):
    """The installed entry point and python -m ganzoo: help with an example for every
    subcommand, a tool run with its own flags, and a first screen without TensorFlow's lines."""
    env = {**os.environ, "GANZOO_OFFLINE": "1", "GANZOO_VERBOSE": "0"}

    def ganzoo_command(*argv):
        return subprocess.run([sys.executable, "-m", "ganzoo", *argv], capture_output=True,
                              text=True, cwd=repository_root(), env=env, timeout=300)

    shown = ganzoo_command("--help")
    assert shown.returncode == 0
    for command in ("list", "info", "sample", "interpolate", "translate", "download", "publish",
                    *cli.TOOLS):
        assert command in shown.stdout
        helped = ganzoo_command(command, "--help")
        assert helped.returncode == 0, (command, helped.stderr[-2000:])
        assert "example" in helped.stdout or "--" in helped.stdout, command
    source = tmp_path / "images"
    source.mkdir()
    for i, png in enumerate(twemoji_pngs(12)):
        (source / f"{i}.png").write_bytes(png.read_bytes())
    prepared = ganzoo_command("prepare", str(source), "--out", str(tmp_path / "p"), "--size", "16")
    assert prepared.returncode == 0, prepared.stderr[-2000:]
    assert (tmp_path / "p" / "manifest.json").is_file()
    sampled = ganzoo_command("sample", "dcgan_mnist", "-n", "4", "-o", str(tmp_path / "g.png"))
    assert sampled.returncode == 0 and sampled.stderr == "", sampled.stderr


def test_a_reader_that_stops_early_gets_no_error_line():
    """`ganzoo list | head -1` printed "ganzoo list: [Errno 32] Broken pipe" and exited 2."""
    listing = subprocess.Popen([sys.executable, "-m", "ganzoo", "list"], stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE, cwd=repository_root(),
                               env={**os.environ, "GANZOO_OFFLINE": "1"})
    listing.stdout.close()  # the reader is gone before the first line
    status = listing.wait(timeout=120)
    assert listing.stderr.read() == b""
    assert status == 141
