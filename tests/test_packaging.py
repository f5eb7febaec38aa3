"""A built wheel is small, carries the zoo configs and the models' registry, and, installed
outside the repository, samples a shipped model fetched from a mirror."""

import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent


@pytest.mark.slow
def test_the_wheel_is_small_and_its_install_samples_through_a_mirror(tmp_path):
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation",
                    "-q", "-w", str(tmp_path / "dist"), str(REPO)], check=True, cwd=tmp_path)
    wheel = next((tmp_path / "dist").glob("ganzoo-*.whl"))
    names = zipfile.ZipFile(wheel).namelist()
    assert "ganzoo/zoo_configs/cgan_mnist.toml" in names
    modules = {str(p.relative_to(REPO)) for p in (REPO / "ganzoo").rglob("*.py")}
    missing = sorted(modules - set(names))
    assert not missing, f"setup.cfg does not package {missing}"
    assert not [n for n in names if "saved_models" in n or n.endswith((".keras", ".pb"))]
    assert "ganzoo/hub/registry.json" in names
    studies = {str(p.relative_to(REPO)) for p in (REPO / "ganzoo" / "bench").rglob("*.toml")}
    assert studies and studies <= set(names), "the studies' configs are not packaged"
    assert wheel.stat().st_size < 10 * 2**20, f"the wheel is {wheel.stat().st_size:,} bytes"
    site = tmp_path / "site"
    subprocess.run([sys.executable, "-m", "pip", "install", "-q", "--no-deps", "--target",
                    str(site), str(wheel)], check=True)
    probe = ("import ganzoo, ganzoo.paths as p; "
             "print(ganzoo.__file__); print(p.configs_dir()); print(ganzoo.list_models())")
    env = {k: v for k, v in os.environ.items() if not k.startswith("GANZOO_")}
    env["PYTHONPATH"] = str(site)
    out = subprocess.run([sys.executable, "-c", probe], cwd=tmp_path, env=env,
                         capture_output=True, text=True, check=True).stdout.splitlines()
    assert out[0].startswith(str(site)), "imported the checkout, not the wheel"
    assert out[1] == str(site / "ganzoo" / "zoo_configs")
    assert "cgan_mnist" in out[2]

    from ganzoo.hub import mirror
    mirror.download(["gan_ring8"], dest=tmp_path / "mirror")
    env.update(GANZOO_MIRROR=str(tmp_path / "mirror"), GANZOO_OFFLINE="1",
               GANZOO_CACHE_DIR=str(tmp_path / "cache"), HOME=str(tmp_path))
    done = subprocess.run([sys.executable, "-m", "ganzoo", "sample", "gan_ring8", "-n", "4",
                           "-o", "x.png"], cwd=tmp_path, env=env, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert (tmp_path / "x.png").is_file() and (tmp_path / "cache" / "models" / "gan_ring8").is_dir()
