"""Models that travel: the registry, fetching from a real HTTP server on 127.0.0.1 with
faults injected, the cache, offline use, mirrors, loading from any folder, and publishing.

No test reaches any host but 127.0.0.1 (`tests/mirror_server.py`)."""

import json
import os
import shutil
import socket
import subprocess
import sys
from pathlib import Path

import keras
import numpy as np
import pytest

import ganzoo
from ganzoo import cli, integrity, paths, zoo
from ganzoo.hub import fetch, mirror, publish, registry
from tests.mirror_server import MirrorServer

REPO = Path(__file__).resolve().parent.parent
ENTRY = "gan_ring8"  # the smallest shipped entry
VERSION = registry.versions(ENTRY)[-1]
ITEM = registry.item_name(ENTRY, VERSION)
RECORDS = {r.path: r for r in registry.load()[ITEM]}
KERAS = str(integrity.KERAS_FILE)


@pytest.fixture(scope="module")
def mirror_folder(tmp_path_factory):
    """What `ganzoo download gan_ring8 --dest` writes, from this checkout."""
    dest = tmp_path_factory.mktemp("mirror")
    mirror.download([ENTRY], dest=dest)
    return dest


@pytest.fixture
def server(mirror_folder):
    with MirrorServer(mirror_folder, slow_seconds=3.0) as running:
        yield running


@pytest.fixture
def installed(tmp_path, monkeypatch):
    """An installed user's view: no checkout models, an empty cache, a mirror to fetch from."""
    monkeypatch.setattr(paths, "shipped_models_dir", lambda: tmp_path / "not_a_checkout")
    for name in (paths.OFFLINE_ENV, paths.MODELS_ENV):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv(paths.USER_MODELS_ENV, str(tmp_path / "user_models"))
    monkeypatch.setenv(paths.CACHE_ENV, str(tmp_path / "cache"))
    monkeypatch.setenv(fetch.TIMEOUT_ENV, "1")
    monkeypatch.setenv(fetch.RETRIES_ENV, "2")
    for proxy in ("NO_PROXY", "no_proxy"):  # a proxy set for the outside world skips 127.0.0.1
        monkeypatch.setenv(proxy, "127.0.0.1,localhost")
    return tmp_path / "cache" / "models" / ITEM


def cached_files(folder: Path) -> set[str]:
    """Every file under the cache folder, temporary ones included."""
    return {str(p.relative_to(folder)) for p in folder.rglob("*") if p.is_file()}


def reference_samples():
    return ganzoo.load(str(REPO / "saved_models" / ENTRY)).sample(8, seed=0)


# ----- the registry ---------------------------------------------------------------------

def test_the_packaged_registry_lists_every_shipped_file_with_its_hash():
    scanned = registry.scan(paths.shipped_models_dir())
    assert scanned == registry.load(), ("ganzoo/hub/registry.json is stale: run "
                                        "python -m ganzoo.hub.registry --write")
    assert set(registry.entries()) == {n for n in ganzoo.list_models()
                                       if zoo.available_versions(paths.shipped_models_dir() / n)}
    assert registry.EVALUATORS in scanned


# ----- fetching -------------------------------------------------------------------------

def test_load_fetches_once_checks_and_then_makes_no_request(installed, server, monkeypatch):
    monkeypatch.setenv(fetch.MIRROR_ENV, server.url)
    model = ganzoo.load(ENTRY)
    assert server.total() == len(RECORDS)  # one request per file
    assert cached_files(installed) == set(RECORDS)
    np.testing.assert_array_equal(model.sample(8, seed=0), reference_samples())
    ganzoo.load(ENTRY)
    assert server.total() == len(RECORDS), "a second load asked the mirror again"


def test_ganzoo_list_fetches_nothing(installed, server, monkeypatch, capsys):
    monkeypatch.setenv(fetch.MIRROR_ENV, server.url)
    assert cli.main(["list"]) == 0
    assert f"v{VERSION} (fetched on first use)" in capsys.readouterr().out
    assert server.total() == 0
    ganzoo.load(ENTRY)
    assert cli.main(["list"]) == 0
    line = next(x for x in capsys.readouterr().out.splitlines() if x.startswith(ENTRY))
    assert line.endswith(f"v{VERSION}")


@pytest.mark.parametrize("fault", ["short", "wrong", "500", "slow"])
def test_a_failed_try_is_retried_and_nothing_half_written_is_kept(installed, server,
                                                                    monkeypatch, fault):
    monkeypatch.setenv(fetch.MIRROR_ENV, server.url)
    path = f"{ITEM}/{KERAS}"
    server.faults[path] = [fault]
    ganzoo.load(ENTRY)
    assert server.requests[path] == 2
    assert cached_files(installed) == set(RECORDS)  # no temporary file left behind
    assert fetch.matches(installed / KERAS, RECORDS[KERAS])


def test_a_file_that_stays_wrong_fails_after_the_retries_and_leaves_nothing(installed, server,
                                                                            monkeypatch):
    monkeypatch.setenv(fetch.MIRROR_ENV, server.url)
    path = f"{ITEM}/{KERAS}"
    server.faults[path] = ["wrong"] * 5
    with pytest.raises(fetch.FetchError, match="3 tries"):
        ganzoo.load(ENTRY)
    assert server.requests[path] == 3  # 1 + GANZOO_FETCH_RETRIES
    assert KERAS not in cached_files(installed)
    assert not [f for f in cached_files(installed) if f not in RECORDS]


def test_a_404_fails_at_once_naming_the_mirror(installed, server, monkeypatch):
    monkeypatch.setenv(fetch.MIRROR_ENV, server.url)
    path = f"{ITEM}/{KERAS}"
    server.faults[path] = ["404"]
    with pytest.raises(fetch.FetchError, match="HTTP 404.*does not have this file"):
        ganzoo.load(ENTRY)
    assert server.requests[path] == 1


def test_a_corrupted_cached_file_is_fetched_again_once(installed, server, monkeypatch):
    monkeypatch.setenv(fetch.MIRROR_ENV, server.url)
    ganzoo.load(ENTRY)
    before = server.total()
    data = bytearray((installed / KERAS).read_bytes())
    data[1000] ^= 0xFF  # one flipped byte
    (installed / KERAS).write_bytes(bytes(data))
    ganzoo.load(ENTRY)
    assert server.total() == before + 1 and server.requests[f"{ITEM}/{KERAS}"] == 2


def test_offline_opens_no_socket_and_says_what_to_fetch(installed, server, monkeypatch):
    monkeypatch.setenv(fetch.MIRROR_ENV, server.url)
    monkeypatch.setenv(paths.OFFLINE_ENV, "1")

    def refuse(*args):
        raise AssertionError("a socket was opened offline")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    with pytest.raises(fetch.OfflineError, match="GANZOO_OFFLINE is set") as err:
        ganzoo.load(ENTRY)
    message = str(err.value)
    record = next(iter(RECORDS.values()))
    for expected in (record.digest, server.url, f"ganzoo download {ENTRY}", record.path):
        assert expected in message
    assert server.total() == 0


def test_after_one_fetch_it_works_offline(installed, server, monkeypatch):
    monkeypatch.setenv(fetch.MIRROR_ENV, server.url)
    ganzoo.load(ENTRY)
    monkeypatch.setenv(paths.OFFLINE_ENV, "1")
    np.testing.assert_array_equal(ganzoo.load(ENTRY).sample(8, seed=0), reference_samples())


@pytest.mark.parametrize("scheme", ["folder", "file://"])
def test_a_mirror_folder_serves_without_a_network(installed, mirror_folder, monkeypatch, scheme):
    monkeypatch.setenv(fetch.MIRROR_ENV, str(mirror_folder) if scheme == "folder"
                       else mirror_folder.as_uri())
    monkeypatch.setenv(paths.OFFLINE_ENV, "1")  # a folder opens no socket
    np.testing.assert_array_equal(ganzoo.load(ENTRY).sample(8, seed=0), reference_samples())
    assert cached_files(installed) == set(RECORDS)


def test_processes_fetching_at_once_end_with_one_valid_copy(installed, server, monkeypatch):
    monkeypatch.setenv(fetch.MIRROR_ENV, server.url)
    server.faults[f"{ITEM}/{KERAS}"] = ["slow"] * 2  # two of them overlap mid-file
    monkeypatch.setenv(fetch.TIMEOUT_ENV, "10")
    code = f"from ganzoo.hub import fetch; print(fetch.ensure({ITEM!r}))"
    runs = [subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, text=True,
                             env={**os.environ, "PYTHONPATH": str(REPO)}) for _ in range(3)]
    outputs = [run.communicate(timeout=120)[0].strip() for run in runs]
    assert [run.returncode for run in runs] == [0, 0, 0]
    assert set(outputs) == {str(installed)}
    assert cached_files(installed) == set(RECORDS)
    assert all(fetch.matches(installed / p, r) for p, r in RECORDS.items())


def test_the_fid_weights_come_through_the_same_fetch_path(installed, tmp_path, monkeypatch):
    """A stand-in for Keras' InceptionV3 file, served with its MD5 as the real one is checked."""
    from ganzoo.evaluation import inception

    name = registry.EXTERNAL[registry.INCEPTION][1][0].path
    stand_in = tmp_path / "mirror" / registry.INCEPTION / name
    stand_in.parent.mkdir(parents=True)
    stand_in.write_bytes(b"not really InceptionV3 " * 4096)
    digest = integrity.file_digest(stand_in, "md5")
    monkeypatch.setitem(registry.EXTERNAL, registry.INCEPTION, (
        "http://127.0.0.1:9/never", [registry.FileRecord(name, None, digest, "md5")]))
    monkeypatch.delenv(inception.ENV, raising=False)
    with MirrorServer(tmp_path / "mirror") as server:
        monkeypatch.setenv(fetch.MIRROR_ENV, server.url)
        server.faults[f"{registry.INCEPTION}/{name}"] = ["wrong"]
        path, described = inception.weights_file()
        assert path.read_bytes() == stand_in.read_bytes() and digest in described
        assert server.requests[f"{registry.INCEPTION}/{name}"] == 2  # the wrong bytes refused
        inception.weights_file()
        assert server.total() == 2
        path.write_bytes(b"corrupt")
        monkeypatch.setenv(paths.OFFLINE_ENV, "1")
        with pytest.raises(inception.InceptionWeightsMissing,
                           match="corrupt.*ganzoo download inception"):
            inception.weights_file()
        monkeypatch.delenv(paths.OFFLINE_ENV)
        assert cli.main(["download", "inception"]) == 0
        assert path.read_bytes() == stand_in.read_bytes() and server.total() == 3


# ----- mirrors and hubs -----------------------------------------------------------------

def test_download_writes_the_remote_layout_and_never_overwrites_a_different_file(tmp_path):
    mirror.download([ENTRY], dest=tmp_path)
    assert cached_files(tmp_path / ITEM) == set(RECORDS)
    mirror.download([ENTRY], dest=tmp_path)  # the same files again: nothing to do
    (tmp_path / ITEM / KERAS).write_bytes(b"mine")
    with pytest.raises(FileExistsError, match="not overwritten"):
        mirror.download([ENTRY], dest=tmp_path)
    assert (tmp_path / ITEM / KERAS).read_bytes() == b"mine"
    assert cli.main(["download"]) == 2 and cli.main(["download", "no_such_entry"]) == 2


def test_publish_writes_a_folder_keras_loads_and_a_hub_card(tmp_path):
    dest = publish.publish(ENTRY, tmp_path / "hub")
    assert {"config.json", "metadata.json", "model.weights.h5", "README.md"} <= {
        p.name for p in dest.iterdir()}
    loaded = keras.saving.load_model(dest)
    np.testing.assert_array_equal(loaded.sample(8, seed=0), reference_samples())
    np.testing.assert_array_equal(ganzoo.load(str(dest / "saved_model" / str(VERSION)))
                                  .sample(8, seed=0), reference_samples())
    card = (dest / "README.md").read_text()
    front = card.split("---")[1]
    for key in ("library_name: keras", "tags:", "datasets:", "pipeline_tag:", "model-index:"):
        assert key in front
    checks = json.loads((paths.shipped_models_dir() / ITEM / integrity.CARD).read_text())["checks"]
    assert f"value: {checks['modes_covered']}" in front
    with pytest.raises(FileExistsError, match="is not empty"):
        publish.publish(ENTRY, dest)


# ----- loading from anywhere ------------------------------------------------------------

def test_a_model_in_the_models_folder_you_chose_loads_and_is_listed(tmp_path, monkeypatch,
                                                                    capsys):
    """The issue's failure: `GANZOO_MODELS_DIR=/data/models ganzoo.load('my_faces')` raised
    KeyError, because the name check knew only zoo configs and the user models folder."""
    models = tmp_path / "shared_disk" / "models"
    shutil.copytree(paths.shipped_models_dir() / ENTRY, models / "my_points")
    monkeypatch.setenv(paths.MODELS_ENV, str(models))
    monkeypatch.setenv(paths.USER_MODELS_ENV, str(tmp_path / "user_models"))
    expected = reference_samples()
    np.testing.assert_array_equal(ganzoo.load("my_points").sample(8, seed=0), expected)
    assert "my_points" in ganzoo.list_models(user=True)
    assert cli.main(["list"]) == 0 and "my_points" in capsys.readouterr().out
    monkeypatch.delenv(paths.MODELS_ENV)
    assert "my_points" in ganzoo.list_models(user=True, models_dir=models)
    np.testing.assert_array_equal(
        ganzoo.load("my_points", models_dir=models).sample(8, seed=0), expected)
    for path in (models / "my_points", models / "my_points" / str(VERSION)):
        np.testing.assert_array_equal(ganzoo.load(str(path)).sample(8, seed=0), expected)
    with pytest.raises(KeyError, match="unknown zoo entry 'my_points'"):
        ganzoo.load("my_points")
    with pytest.raises(FileNotFoundError, match="holds no trained model"):
        ganzoo.load(str(tmp_path))


def test_a_download_killed_mid_file_leaves_a_temporary_that_the_next_fetch_removes(
        installed, server, monkeypatch, capsys):
    """A real SIGKILL mid-download against the 127.0.0.1 mirror, then a second fetch."""
    import signal
    import time

    from ganzoo import cli

    monkeypatch.setenv(fetch.MIRROR_ENV, server.url)
    server.slow_seconds = 30
    server.faults[f"{ITEM}/{KERAS}"] = ["stall"]
    code = f"from ganzoo.hub import fetch; fetch.ensure({ITEM!r})"
    victim = subprocess.Popen([sys.executable, "-c", code],
                              env={**os.environ, "PYTHONPATH": str(REPO),
                                   fetch.TIMEOUT_ENV: "60"})
    deadline = time.monotonic() + 120
    while not [p for p in installed.rglob("*") if fetch.is_temporary(p) and p.stat().st_size]:
        assert time.monotonic() < deadline and victim.poll() is None, "no partial file appeared"
        time.sleep(0.2)
    victim.send_signal(signal.SIGKILL)
    victim.wait(30)
    leftovers = [p for p in installed.rglob("*") if fetch.is_temporary(p)]
    assert leftovers  # the kill left the half-written file
    # younger than an hour it may be a running download's: kept, and listed as such
    assert fetch.stale_temporaries(installed) == []
    assert cli.main(["cache"]) == 0
    assert "may be running" in capsys.readouterr().out
    hour_ago = time.time() - fetch.STALE_AFTER_S - 60
    for path in leftovers:
        os.utime(path, (hour_ago, hour_ago))
    assert fetch.ensure(ITEM) == installed  # the second fetch
    assert cached_files(installed) == set(RECORDS)  # the leftover is gone
    assert all(fetch.matches(installed / p, r) for p, r in RECORDS.items())


def test_ganzoo_cache_lists_and_removes_what_is_corrupt_stale_or_unknown(
        installed, server, monkeypatch, capsys):
    import time

    from ganzoo import cli

    monkeypatch.setenv(fetch.MIRROR_ENV, server.url)
    fetch.ensure(ITEM)
    (installed / KERAS).write_bytes(b"tampered")
    stale = installed / "tmpabc123"
    stale.write_bytes(b"half")
    hour_ago = time.time() - fetch.STALE_AFTER_S - 60
    os.utime(stale, (hour_ago, hour_ago))
    unknown = installed.parent / "old_release.bin"
    unknown.write_bytes(b"x")
    assert cli.main(["cache"]) == 0
    listed = capsys.readouterr().out
    assert "corrupt (fetched again on use): 1" in listed and str(stale) in listed
    assert str(unknown) in listed and (installed / KERAS).exists()  # listing removes nothing
    assert cli.main(["cache", "--remove"]) == 0
    assert "removed: 3" in capsys.readouterr().out
    assert not stale.exists() and not unknown.exists() and not (installed / KERAS).exists()
    fetch.ensure(ITEM)
    assert all(fetch.matches(installed / p, r) for p, r in RECORDS.items())
