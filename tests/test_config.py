"""Zoo entries are data: validated, overridable, and loud about mistakes."""

import pytest

from ganzoo import config, list_models, paths


@pytest.mark.parametrize("name", list_models())
def test_every_shipped_config_validates(name):
    cfg = config.load_entry(name)
    assert cfg.name == name
    assert cfg.train.steps % cfg.train.epoch_steps == 0


def test_the_issue_entries_exist():
    assert {"gan_mnist", "dcgan_mnist", "cgan_mnist", "dcgan_celeba"} <= set(list_models())


@pytest.fixture
def config_dir(tmp_path, monkeypatch):
    monkeypatch.setenv(paths.CONFIGS_ENV, str(tmp_path))
    return tmp_path


def write(config_dir, name, text):
    (config_dir / f"{name}.toml").write_text(text)


def test_unknown_key_names_file_and_key(config_dir):
    write(config_dir, "bad", 'family = "dcgan"\ndataset = "mnist"\n[model]\nlatnt_dim = 3\n')
    with pytest.raises(config.ConfigError, match=r"bad\.toml.*'model\.latnt_dim'"):
        config.load_entry("bad")


def test_wrong_type_names_file_and_key(config_dir):
    write(config_dir, "bad", 'family = "dcgan"\ndataset = "mnist"\n[train]\nbatch_size = "big"\n')
    with pytest.raises(config.ConfigError, match=r"bad\.toml.*'train\.batch_size' must be int"):
        config.load_entry("bad")


def test_bool_is_not_an_int(config_dir):
    write(config_dir, "bad", 'family = "gan"\ndataset = "mnist"\n[model]\nd_steps = true\n')
    with pytest.raises(config.ConfigError, match="model.d_steps"):
        config.load_entry("bad")


def test_unknown_family_lists_known_ones(config_dir):
    write(config_dir, "bad", 'family = "stylegan9"\ndataset = "mnist"\n')
    from ganzoo.models import family_names

    assert {"gan", "dcgan", "cyclegan"} <= set(family_names())
    with pytest.raises(config.ConfigError, match="known families: " + ", ".join(family_names())):
        config.load_entry("bad")


def test_choice_fields_are_checked(config_dir):
    write(config_dir, "bad", 'family = "gan"\ndataset = "mnist"\n[model]\nloss = "hinge2"\n')
    with pytest.raises(config.ConfigError, match="'model.loss' must be one of"):
        config.load_entry("bad")


def test_value_rules_are_checked(config_dir):
    write(config_dir, "bad", 'family = "gan"\ndataset = "mnist"\n[train]\nsteps = 750\n')
    with pytest.raises(config.ConfigError, match="multiple of train.steps_per_epoch"):
        config.load_entry("bad")


def test_steps_per_execution_must_divide_an_epoch():
    with pytest.raises(config.ConfigError, match="train.steps_per_execution"):
        config.load_entry("gan_grid25", {"train.steps_per_execution": 3,
                                         "train.steps": 20, "train.steps_per_epoch": 10})


def test_invalid_toml_is_reported(config_dir):
    write(config_dir, "bad", "family = \n")
    with pytest.raises(config.ConfigError, match="not valid TOML"):
        config.load_entry("bad")


def test_overrides_reach_every_section():
    cfg = config.load_entry("gan_mnist", dict([
        config.parse_override("model.latent_dim=12"),
        config.parse_override("model.loss=minimax"),
        config.parse_override("train.d_learning_rate=1e-4"),
        config.parse_override("model.generator_units=[8, 8]"),
    ]))
    assert cfg.model.latent_dim == 12
    assert cfg.model.loss == "minimax"
    assert cfg.train.d_learning_rate == 1e-4
    assert cfg.model.generator_units == (8, 8)


def test_bad_override_is_named():
    with pytest.raises(config.ConfigError, match="'model.latnt_dim'"):
        config.load_entry("gan_mnist", {"model.latnt_dim": 3})
    with pytest.raises(config.ConfigError, match="section.key=value"):
        config.parse_override("latent_dim")


def test_unknown_entry_lists_known_entries():
    with pytest.raises(KeyError, match="known entries: .*cgan_mnist"):
        config.load_entry("cgan_mnsit")


def test_names_cannot_be_paths():
    with pytest.raises(config.ConfigError, match="not a zoo entry name"):
        config.load_entry("../setup")
