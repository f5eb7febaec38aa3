"""The studies' candidates (ganzoo/bench/twemoji_study and translation_study, docs/results.md)
stay valid entries as the zoo changes, and say what they claim to."""

from pathlib import Path

import pytest

import ganzoo
from ganzoo import config
from ganzoo.zoo import build_from_config

STUDY = Path(ganzoo.__file__).parent / "bench" / "twemoji_study"
TRANSLATION = STUDY.with_name("translation_study")


@pytest.mark.parametrize("path", sorted(STUDY.glob("*.toml")), ids=lambda p: p.stem)
def test_each_study_config_is_a_valid_entry_that_builds(path):
    cfg = config.load_entry_file(path)
    assert cfg.dataset == "twemoji"
    model = build_from_config(cfg)
    assert model.generator.output_shape[1:] == (64, 64, 3)


def test_the_fixed_r3gan_keeps_the_papers_horizon_not_the_runs():
    cfg = config.load_entry_file(STUDY / "r3gan.toml")
    assert cfg.train.schedule_steps == 625_000  # 20 million images of 32
    assert cfg.model.gamma_decay_steps == cfg.train.schedule_steps
    assert cfg.model.augment_max == 0.3 and cfg.model.resample_border == "normalised"


@pytest.mark.parametrize("path", sorted(TRANSLATION.glob("*.toml")), ids=lambda p: p.stem)
def test_each_translation_study_config_is_a_valid_entry_that_builds(path):
    cfg = config.load_entry_file(path)
    assert cfg.dataset == "emoji"
    build_from_config(cfg)
