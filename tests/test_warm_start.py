"""`init_from`: a run that begins from an exported version's weights, so a shipped model can
be trained further although its export keeps no optimizer state."""

import json

import numpy as np
import pytest

from ganzoo import config, integrity
from ganzoo.training import runner
from tests.conftest import tiny_overrides
from tests.conftest import tiny_ring as ring_of


def tiny_ring(**overrides):
    return ring_of(4, **overrides)


def card_of(version_dir):
    return json.loads((version_dir / integrity.CARD).read_text())


def max_difference(a, b):
    return max(float(np.max(np.abs(x - y))) for x, y in zip(a, b, strict=True))


def test_a_warm_start_begins_from_the_version_and_counts_its_steps(tmp_path):
    models = tmp_path / "models"
    first = runner.run(tiny_ring(), workdir=tmp_path / "first", models_dir=models, verbose=0)
    shipped = first.model.get_weights()
    fresh = runner.compiled_model(tiny_ring(), runner.default_strategy()).get_weights()
    assert max_difference(shipped, fresh) > 1e-4  # else "began from the version" proves nothing

    # Rates so small that the weights cannot move: what the run ends with is what it began with.
    still = {"train.d_learning_rate": 1e-12, "train.g_learning_rate": 1e-12, "train.steps": 2}
    warm = runner.run(tiny_ring(**still), workdir=tmp_path / "warm", models_dir=models,
                      verbose=0, init_from=1)
    assert max_difference(warm.model.get_weights(), shipped) < 1e-6
    card = card_of(warm.version_dir)
    assert card["steps"] == 4 + 2
    assert card["initialized_from"] == {"version": 1, "steps": 4, "optimizers": "fresh"}
    entry_readme = (warm.version_dir.parent / "README.md").read_text()
    assert "| warm start | from version 1 (4 steps), fresh optimizers" in entry_readme

    # The same work directory extended without the flag resumes the warm-started run.
    longer = runner.run(tiny_ring(**{**still, "train.steps": 4}), workdir=tmp_path / "warm",
                        models_dir=models, verbose=0)
    assert longer.step == 4
    assert card_of(longer.version_dir)["steps"] == 4 + 4
    assert card_of(longer.version_dir)["initialized_from"]["version"] == 1


def test_a_warm_start_is_refused_for_another_version_or_other_networks(tmp_path):
    models = tmp_path / "models"
    runner.run(tiny_ring(), workdir=tmp_path / "first", models_dir=models, verbose=0)
    runner.run(tiny_ring(), workdir=tmp_path / "warm", models_dir=models, verbose=0,
               init_from=1, export_model=False)
    with pytest.raises(config.ConfigError, match="started from version 1 of gan_ring8, not 2"):
        runner.run(tiny_ring(), workdir=tmp_path / "warm", models_dir=models, verbose=0,
                   init_from=2)
    with pytest.raises(config.ConfigError, match="did not start from version 1"):
        runner.run(tiny_ring(), workdir=tmp_path / "first", models_dir=models, verbose=0,
                   init_from=1)
    with pytest.raises(config.ConfigError, match=r"differs in model\.latent_dim"):
        runner.run(tiny_ring(**{"model.latent_dim": 6}), workdir=tmp_path / "other",
                   models_dir=models, verbose=0, init_from=1)
    with pytest.raises(FileNotFoundError, match="not 5"):
        runner.run(tiny_ring(), workdir=tmp_path / "missing", models_dir=models, verbose=0,
                   init_from=5)


def test_progan_is_refused_because_its_growing_follows_the_step_count(tmp_path):
    cfg = config.load_entry("progan_mnist", tiny_overrides("progan", levels=4))
    with pytest.raises(config.ConfigError, match="growing schedule follows the step count"):
        runner.run(cfg, workdir=tmp_path, models_dir=tmp_path / "models", verbose=0,
                   init_from=1)
