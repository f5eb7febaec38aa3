"""A built wheel carries the zoo configs and models and finds them without the repository."""

import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent


@pytest.mark.slow
def test_wheel_finds_configs_and_models(tmp_path):
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation",
                    "-q", "-w", str(tmp_path / "dist"), str(REPO)], check=True, cwd=tmp_path)
    wheel = next((tmp_path / "dist").glob("ganzoo-*.whl"))
    names = zipfile.ZipFile(wheel).namelist()
    assert "ganzoo/zoo_configs/cgan_mnist.toml" in names
    modules = {str(p.relative_to(REPO)) for p in (REPO / "ganzoo").rglob("*.py")}
    missing = sorted(modules - set(names))
    assert not missing, f"setup.cfg does not package {missing}"
    shipped = [n for n in names if n.startswith("ganzoo/saved_models/")]
    if (REPO / "saved_models" / "cgan_mnist").is_dir():
        assert any(n.endswith("saved_model.pb") for n in shipped)
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
