"""`ganzoo demo`, tested as a person uses it: a real server started as the CLI starts it,
Debian's chromium driven by Playwright, 20 concurrent clients, and a socket guard that records
any connection to a host other than this machine. None of these skip: without chromium they
fail and say how to install it (`.ci/run` installs it)."""

import io
import json
import os
import socket
import subprocess
import sys
import threading
import time
import urllib.parse
import urllib.request
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

import ganzoo
from ganzoo import imaging
from ganzoo.demo import service

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = os.environ.get("GANZOO_CHROMIUM", "/usr/bin/chromium")
ENTRIES = ["gan_ring8", "cgan_mnist", "dcgan_mnist", "fastgan_twemoji", "pix2pix_emoji"]
# what a headless chromium needs on a closed network as root (docs/demo.md)
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update",
                 "--disable-sync"]


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    """The demo for ENTRIES on a free port, behind the socket guard."""
    folder = tmp_path_factory.mktemp("demo")
    log, guard_log = folder / "server.log", folder / "sockets.log"
    port = _free_port()
    env = {**os.environ, "GANZOO_SOCKET_LOG": str(guard_log), "PYTHONUNBUFFERED": "1"}
    with open(log, "w") as out:
        process = subprocess.Popen([sys.executable, str(ROOT / "tests" / "serve_demo.py"),
                                    str(port), *ENTRIES], stdout=out, stderr=subprocess.STDOUT,
                                   env=env, cwd=folder)
    url = f"http://127.0.0.1:{port}/"
    deadline = time.monotonic() + 240
    while True:
        try:
            with urllib.request.urlopen(url, timeout=5) as reply:
                if reply.status == 200:
                    break
        except OSError:
            pass
        if process.poll() is not None or time.monotonic() > deadline:
            process.kill()
            pytest.fail(f"the demo did not start:\n{log.read_text()[-3000:]}")
        time.sleep(1)
    yield {"url": url, "process": process, "guard_log": guard_log, "log": log}
    process.terminate()
    process.wait(30)


@pytest.fixture(scope="module")
def browser():
    if not Path(CHROMIUM).is_file():
        pytest.fail(f"no chromium at {CHROMIUM}: apt-get install chromium (or set "
                    f"GANZOO_CHROMIUM)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield launched
        launched.close()


@pytest.fixture
def page(browser, server):
    """A fresh page on the demo that records the host of every request it makes."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    opened = context.new_page()
    opened.requested_hosts = set()
    opened.on("request", lambda request: opened.requested_hosts.add(
        urllib.parse.urlsplit(request.url).hostname))
    opened.goto(server["url"])
    opened.wait_for_selector("#sample-button", timeout=60_000)
    yield opened
    context.close()


def _pixels(data: bytes) -> np.ndarray:
    return np.asarray(Image.open(io.BytesIO(data)).convert("RGB"))


def _shown_image(page, selector: str, timeout=120_000) -> np.ndarray:
    image = page.wait_for_selector(f"{selector} img", timeout=timeout)
    source = image.get_attribute("src")
    return _pixels(page.request.get(urllib.parse.urljoin(page.url, source)).body())


def _pick(page, selector: str, option: str) -> None:
    page.locator(f"{selector} input").click()
    page.get_by_role("option", name=option, exact=True).click()


def _set_number(page, selector: str, value) -> None:
    field = page.locator(f"{selector} input[type=number]").first
    field.fill(str(value))
    field.press("Enter")


def test_the_page_samples_the_pixels_the_library_samples(page, server):
    for entry, count, seed in (("dcgan_mnist", 6, 7), ("fastgan_twemoji", 16, 7)):
        _pick(page, "#sample-entry", entry)
        _set_number(page, "#sample-count", count)
        _set_number(page, "#sample-seed", seed)
        page.click("#sample-button")
        page.wait_for_function(  # this request's file, not the previous one's
            "name => (document.querySelector('#sample-file')?.innerText || '').includes(name)",
            arg=f"{entry}-seed{seed}", timeout=300_000)
        shown = _shown_image(page, "#sample-image")
        expected = imaging.preview(ganzoo.load(entry).sample(count, seed=seed))
        assert shown.shape[:2] == expected.shape[:2]
        np.testing.assert_array_equal(shown, np.broadcast_to(
            expected if expected.shape[-1] == 3 else expected.repeat(3, -1), shown.shape))
    shot = Path(os.environ.get("GANZOO_DEMO_SCREENSHOT", "") or
                server["log"].with_name("demo.png"))
    page.screenshot(path=str(shot), full_page=True)
    assert shot.stat().st_size > 10_000
    assert page.requested_hosts == {"127.0.0.1"}


def test_the_page_translates_an_upload_and_says_what_is_wrong_with_a_bad_one(page, server,
                                                                              tmp_path):
    emoji = ganzoo.datasets.load("emoji", "test")
    source = tmp_path / "mine.png"
    imaging.save_png(imaging.to_uint8(emoji.a[3]), source)
    page.get_by_role("tab", name="Translate").click()
    page.set_input_files("#translate-upload input[type=file]", str(source))
    page.click("#translate-button")
    shown = _shown_image(page, "#translate-image")
    model = ganzoo.load("pix2pix_emoji")
    inputs = service.decode_upload(source, model.image_shape)
    expected = imaging.grid(np.concatenate([inputs, model.translate(inputs)]), columns=2)
    np.testing.assert_array_equal(shown, expected)

    bad = tmp_path / "not-an-image.png"
    bad.write_text("this is text, not a picture")
    page.locator("#translate-upload button[aria-label*='Clear' i], "
                 "#translate-upload button[aria-label*='Remove' i]").first.click()
    page.set_input_files("#translate-upload input[type=file]", str(bad))
    page.click("#translate-button")
    page.get_by_text("not an image Pillow can read").first.wait_for(timeout=60_000)
    assert "Traceback" not in page.content()
    assert server["process"].poll() is None  # still serving
    assert page.requested_hosts == {"127.0.0.1"}


def test_twenty_concurrent_clients_are_all_answered_with_bounded_memory(server):
    import psutil
    from gradio_client import Client

    process = psutil.Process(server["process"].pid)
    client = Client(server["url"], verbose=False)
    client.predict("dcgan_mnist", 4, 0, 1.0, "any", api_name="/sample")  # warm: loaded once
    before = process.memory_info().rss
    latencies, failures = [], []

    def one(seed):
        started = time.monotonic()
        try:
            picture, _ = Client(server["url"], verbose=False).predict(
                ENTRIES[1 + seed % 2], 16, seed, 1.0, "any", api_name="/sample")
            assert Path(picture).stat().st_size > 0
            latencies.append(time.monotonic() - started)
        except Exception as err:  # noqa: BLE001 - counted and shown below
            failures.append(repr(err))

    threads = [threading.Thread(target=one, args=(seed,)) for seed in range(20)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(300)
    grown = (process.memory_info().rss - before) / 2**20
    report = {"requests": 20, "answered": len(latencies), "median_s": round(
        float(np.median(latencies)), 2) if latencies else None,
        "max_s": round(max(latencies), 2) if latencies else None, "rss_growth_mb": round(grown)}
    print(f"\ndemo load: {json.dumps(report)}")
    assert not failures, failures
    assert len(latencies) == 20
    assert grown < 1024, report


def test_no_connection_left_this_machine(server):
    """Run last in this module: the guard's log holds every outside attempt of the server."""
    attempts = server["guard_log"].read_text() if server["guard_log"].exists() else ""
    assert attempts == "", attempts


# ----- the service, without a browser ---------------------------------------------------


@pytest.fixture(scope="module")
def cache():
    return service.ModelCache(capacity=2)


@pytest.mark.parametrize("count, seed, message", [
    (0, 0, "count must be between 1"),
    (service.MAX_COUNT + 1, 0, "count must be between 1"),
    (4, -1, "seed must be between 0"),
    (4, 2**40, "seed must be between 0"),
    (4, 1.5, "seed must be a whole number"),
    ("many", 0, "count must be a whole number"),
])
def test_bad_counts_and_seeds_are_refused_with_a_message(cache, count, seed, message):
    with pytest.raises(service.BadRequest, match=message):
        service.sample_picture(cache, "dcgan_mnist", count, seed)


def test_an_unknown_entry_and_a_wrong_tab_say_what_to_do(cache):
    with pytest.raises(service.BadRequest, match="unknown entries: nope"):
        service.trained_entries(["nope"])
    with pytest.raises(service.BadRequest, match="use the Translate tab"):
        service.sample_picture(cache, "pix2pix_emoji", 4, 0)
    with pytest.raises(service.BadRequest, match="use the Sample tab"):
        service.translate_picture(cache, "dcgan_mnist", None)


def test_a_decompression_bomb_and_a_huge_file_are_refused_before_decoding(tmp_path):
    bomb = tmp_path / "bomb.png"
    Image.new("1", (8000, 8000)).save(bomb)  # 64 megapixels in a few kilobytes
    assert bomb.stat().st_size < 100_000
    with pytest.raises(service.BadRequest, match="decompression bomb"):
        service.decode_upload(bomb, (64, 64, 3))
    huge = tmp_path / "huge.png"
    with open(huge, "wb") as out:
        out.truncate(service.MAX_UPLOAD_BYTES + 1)
    with pytest.raises(service.BadRequest, match="the limit is 10 MB"):
        service.decode_upload(huge, (64, 64, 3))


def test_the_cache_loads_a_model_once_for_concurrent_requests_and_stays_bounded(monkeypatch):
    loads = []
    real_load = ganzoo.load

    def counted(name, **kwargs):
        loads.append(name)
        time.sleep(0.2)
        return real_load(name, **kwargs)

    monkeypatch.setattr(ganzoo, "load", counted)
    cache = service.ModelCache(capacity=2)
    threads = [threading.Thread(target=cache.get, args=("gan_ring8",)) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert loads == ["gan_ring8"]
    for name in ("dcgan_mnist", "cgan_mnist"):
        cache.get(name)
    assert len(cache) == 2 and "gan_ring8" not in cache._models


def test_the_page_s_png_is_the_bytes_ganzoo_sample_writes(cache, tmp_path, monkeypatch):
    from ganzoo import cli
    from ganzoo.demo import app

    monkeypatch.chdir(tmp_path)
    assert cli.main(["sample", "cgan_mnist", "-n", "5", "--seed", "3", "-o", "cli.png"]) == 0
    picture, _ = service.sample_picture(cache, "cgan_mnist", 5, 3)
    assert Path(app._png(picture, "page")).read_bytes() == (tmp_path / "cli.png").read_bytes()


def test_a_2d_entry_is_drawn_over_its_mixture_and_a_conditional_one_takes_a_class(cache):
    picture, points = service.sample_picture(cache, "gan_ring8", 500, 0)
    assert points.shape == (500, 2)
    assert (picture == (220, 30, 30)).all(axis=-1).sum() >= 8 * 9  # the 8 means in red
    _, sevens = service.sample_picture(cache, "cgan_mnist", 4, 0, label="7")
    direct = ganzoo.load("cgan_mnist").sample(4, labels=[7] * 4, seed=0)
    np.testing.assert_array_equal(sevens, direct)
    with pytest.raises(service.BadRequest, match="has no class 'eleven'"):
        service.sample_picture(cache, "cgan_mnist", 4, 0, label="eleven")


def test_the_walk_is_a_gif_of_the_library_s_walk(cache):
    path = service.walk_gif(cache, "dcgan_mnist", "1, 2", 4)
    with Image.open(path) as gif:
        assert gif.n_frames == len(ganzoo.load("dcgan_mnist").walk([1, 2], frames=4))
    with pytest.raises(service.BadRequest, match="give 2 to"):
        service.walk_gif(cache, "dcgan_mnist", "1", 4)


def test_publish_space_writes_an_app_its_requirements_and_the_space_metadata(tmp_path):
    from ganzoo import cli

    assert cli.main(["publish", "dcgan_mnist", "--space", str(tmp_path / "space")]) == 0
    space = tmp_path / "space"
    readme = (space / "README.md").read_text()
    assert readme.startswith("---\n") and "sdk: gradio" in readme and "app_file: app.py" in readme
    assert "ganzoo[demo]" in (space / "requirements.txt").read_text()
    compile((space / "app.py").read_text(), "app.py", "exec")
    version = next((space / "models" / "dcgan_mnist").iterdir())
    assert ganzoo.load(str(version)).sample(2, seed=0).shape[0] == 2
    assert cli.main(["publish", "dcgan_mnist", "--space", str(space)]) == 2  # not empty


def test_without_gradio_the_command_says_what_to_install(monkeypatch, capsys):
    from ganzoo import cli

    monkeypatch.setitem(sys.modules, "gradio", None)
    assert cli.main(["demo", "dcgan_mnist"]) == 2
    assert "pip install 'ganzoo[demo]'" in capsys.readouterr().err
