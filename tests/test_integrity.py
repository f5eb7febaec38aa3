"""Files from outside are refused, clearly and before they are used: names and paths that
escape, corrupted or truncated weights, missing files, links, unsafe `.keras` files."""

import json
import shutil
import zipfile

import keras
import numpy as np
import pytest

from ganzoo import config, export, integrity, zoo
from tests.conftest import tiny_overrides

NAME = "gan_ring8"


@pytest.fixture(scope="module")
def exported(tmp_path_factory):
    """A tiny gan_ring8 exported once; each test corrupts its own copy."""
    root = tmp_path_factory.mktemp("pristine")
    cfg = config.load_entry(NAME, tiny_overrides("gan"))
    model = zoo.build_from_config(cfg)
    card = {"name": NAME, "family": "gan", "data_source": "test", "num_examples": 1, "steps": 0,
            "batch_size": 8, "replicas": 1, "wall_time_s": 0.0, "command": "pytest"}
    export.export(model, cfg, root, card)
    return root, model.sample(4, seed=0)


@pytest.fixture
def models(exported, tmp_path, monkeypatch):
    root, _ = exported
    copy = tmp_path / "models"
    shutil.copytree(root, copy, symlinks=True)
    monkeypatch.setattr("ganzoo.paths.shipped_models_dir", lambda: tmp_path / "nothing")
    return copy


def _load(models):
    return zoo.load(NAME, models_dir=models)


def _edit_keras_config(version, edit):
    """Rewrite the config.json inside a version's .keras file with `edit`, then re-record the
    checksums, as an attacker who also rewrites the card would."""
    keras_path = version / "ganzoo" / "model.keras"
    with zipfile.ZipFile(keras_path) as z:
        files = {n: z.read(n) for n in z.namelist()}
    cfg = json.loads(files["config.json"])
    edit(cfg)
    files["config.json"] = json.dumps(cfg).encode()
    with zipfile.ZipFile(keras_path, "w") as z:
        for n, data in files.items():
            z.writestr(n, data)
    _record_checksums(version)


def _record_checksums(version):
    card_path = version / integrity.CARD
    card = json.loads(card_path.read_text())
    card["files"] = integrity.checksums(version)
    card_path.write_text(json.dumps(card))


def test_an_intact_export_loads_and_samples_as_exported(exported, models):
    np.testing.assert_allclose(_load(models).sample(4, seed=0), exported[1], atol=1e-6)


@pytest.mark.parametrize("victim", ["ganzoo/model.keras", "variables/variables.data-00000-of-00001",
                                    "saved_model.pb"])
def test_a_flipped_byte_is_refused_naming_the_file(models, victim):
    path = models / NAME / "1" / victim
    data = bytearray(path.read_bytes())
    data[len(data) // 2] ^= 0xFF
    path.write_bytes(bytes(data))
    with pytest.raises(integrity.CorruptModelError, match=f"{victim}.*SHA-256"):
        _load(models)


def test_truncated_weights_are_refused(models):
    path = models / NAME / "1" / "ganzoo" / "model.keras"
    path.write_bytes(path.read_bytes()[:100])
    with pytest.raises(integrity.CorruptModelError, match="model.keras"):
        _load(models)


def test_missing_variables_are_refused(models):
    (models / NAME / "1" / "variables" / "variables.index").unlink()
    with pytest.raises(integrity.CorruptModelError, match="variables.index is missing"):
        _load(models)


def test_a_model_without_its_checksums_is_refused(models):
    (models / NAME / "1" / integrity.CARD).unlink()
    with pytest.raises(integrity.CorruptModelError, match="unverified"):
        _load(models)


def test_a_symlink_inside_a_version_is_refused(models, tmp_path):
    outside = tmp_path / "elsewhere.keras"
    target = models / NAME / "1" / "ganzoo" / "model.keras"
    shutil.copy(target, outside)
    target.unlink()
    target.symlink_to(outside)
    with pytest.raises(integrity.CorruptModelError, match="symbolic link"):
        _load(models)


def test_a_version_folder_that_is_a_symlink_is_refused(models, tmp_path):
    real = tmp_path / "outside_version"
    shutil.move(models / NAME / "1", real)
    (models / NAME / "1").symlink_to(real, target_is_directory=True)
    with pytest.raises(integrity.CorruptModelError, match="symbolic link"):
        _load(models)


def test_weights_that_do_not_fit_the_config_are_refused_naming_the_file(models):
    """A config edited after export (and its checksum updated to match) still fails clearly."""
    def shrink(cfg):  # weights were saved for 16 units
        cfg["config"]["hparams"]["generator_units"] = [5, 5]

    _edit_keras_config(models / NAME / "1", shrink)
    with pytest.raises(integrity.CorruptModelError, match="model.keras could not be loaded"):
        _load(models)


def test_a_keras_file_with_a_lambda_layer_is_refused_in_safe_mode(models):
    version = models / NAME / "1"
    inputs = keras.Input((2,))
    evil = keras.Model(inputs, keras.layers.Lambda(lambda x: x * 2)(inputs))
    keras_path = version / "ganzoo" / "model.keras"
    evil.save(keras_path)
    _record_checksums(version)  # an attacker can recompute sums too
    with pytest.raises(integrity.CorruptModelError, match="(?i)lambda|safe"):
        _load(models)


@pytest.mark.parametrize("name", ["../gan_ring8", "/etc/passwd", "gan_ring8/../../x", "", "a b"])
def test_names_that_are_paths_never_reach_into_the_models_folders(name, tmp_path, monkeypatch):
    with pytest.raises(KeyError, match="not a zoo entry name"):
        zoo.locate(name)
    with pytest.raises(config.ConfigError, match="is not a zoo entry name"):
        zoo.build(name)
    monkeypatch.chdir(tmp_path)  # `load` reads a path as a path (here: nothing there)
    with pytest.raises((KeyError, FileNotFoundError), match="not a zoo entry name|no trained"):
        zoo.load(name)


def test_shipped_models_verify():
    for name in zoo.list_models():
        try:
            entry_dir, version = zoo.locate(name)
        except zoo.NotTrainedError:
            continue
        integrity.verify_version(entry_dir / str(version))


def test_a_keras_file_naming_a_foreign_module_is_refused(models):
    """A config.json that points deserialization at another module (os.system, here) is
    refused by safe mode before anything is called."""
    def foreign(cfg):
        cfg["module"], cfg["class_name"], cfg["registered_name"] = "os", "system", None

    _edit_keras_config(models / NAME / "1", foreign)
    with pytest.raises(integrity.CorruptModelError, match="could not be loaded"):
        _load(models)
