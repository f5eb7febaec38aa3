"""The quality curve measured during training, and the export of its best point."""

import json

import numpy as np
import pytest

import ganzoo
from ganzoo import config, integrity
from ganzoo.training import quality_curve, runner
from tests.conftest import tiny_entry_overrides


def _tiny(name="dcgan_mnist", steps=4):
    return config.load_entry(name, {**tiny_entry_overrides(name), "train.steps": steps,
                                    "train.steps_per_epoch": 2})


def test_the_curve_measures_during_training_and_the_export_is_its_best_point(tmp_path):
    work, models = tmp_path / "run", tmp_path / "models"
    # a measurement after every step: the interval is far below a step's time
    result = runner.run(_tiny(), workdir=work, models_dir=models, verbose=0,
                        eval_every_minutes=1e-6, export_best=True)
    record = json.loads((work / quality_curve.CURVE_FILE).read_text())
    steps = [p["step"] for p in record["points"]]
    assert steps == sorted(set(steps)) and steps[-1] == 4 and len(steps) >= 3
    fids = [p["fid"] for p in record["points"]]
    best = record["points"][int(np.argmin(fids))]
    assert record["best"]["step"] == best["step"] and record["best"]["fid"] == min(fids)
    assert "MNIST classifier" in record["feature_network"]
    assert all(p["images_seen"] == p["step"] * 8 for p in record["points"])
    assert 0 < record["eval_share"] < 1
    card = json.loads((result.version_dir / integrity.CARD).read_text())
    assert card["best_of_curve"]["step"] == best["step"]
    assert card["quality_curve"]["points"] == record["points"]
    # the exported generator is the best point's: its samples are those of the saved weights
    kept = ganzoo.build("dcgan_mnist", **{k.split(".", 1)[1]: v for k, v in
                                          tiny_entry_overrides("dcgan_mnist").items()
                                          if k.startswith("model.")})
    kept.load_weights(str(work / quality_curve.BEST_DIR / "model.weights.h5"))
    exported = ganzoo.load(str(result.version_dir))
    np.testing.assert_allclose(exported.sample(4, seed=1), kept.sample(4, seed=1), atol=1e-5)


def test_best_export_without_the_curve_is_refused_before_training(tmp_path):
    with pytest.raises(config.ConfigError, match="--eval_every_minutes"):
        runner.run(_tiny(), workdir=tmp_path, export_best=True, verbose=0)
    assert not (tmp_path / "checkpoints").exists()


def test_an_entry_without_a_feature_network_says_so():
    from ganzoo.evaluation import feature_judge

    with pytest.raises(ValueError, match="noise-to-image"):
        feature_judge.for_entry(config.load_entry("gan_ring8"))


def test_a_translator_has_its_own_curve_ranked_by_the_stated_score(tmp_path):
    from ganzoo.evaluation import translation_judge

    work, models = tmp_path / "run", tmp_path / "models"
    result = runner.run(_tiny("pix2pix_emoji", steps=4), workdir=work, models_dir=models,
                        verbose=0, eval_every_minutes=1e-6, export_best=True)
    record = quality_curve.read(work)
    assert record["score"] == "score" and "L1 to the target" in record["score_label"]
    assert {"a2b_l1", "a2b_ssim", "a2b_own_pair", "a2b_own_pair_input",
            "a2b_judged"} <= set(record["columns"])
    for point in record["points"]:  # the score is the stated combination of the columns
        assert point["score"] == pytest.approx(translation_judge.score_of(
            {"a2b": {"l1": point["a2b_l1"], "judged": point["a2b_judged"]}}), abs=2e-4)
    scores = [p["score"] for p in record["points"]]
    assert record["best"]["score"] == min(scores)
    card = json.loads((result.version_dir / integrity.CARD).read_text())
    assert card["best_of_curve"]["step"] == record["best"]["step"]
    from ganzoo import export

    section = "\n".join(export.quality_curve_section(card))
    assert "| step | images seen | training min | score | a2b_l1 |" in section


def test_one_chart_refuses_curves_ranked_by_different_scores(tmp_path):
    from ganzoo.bench import curves

    for name, score in (("gen", "fid"), ("tra", "score")):
        (tmp_path / name).mkdir()
        (tmp_path / name / quality_curve.CURVE_FILE).write_text(json.dumps(
            {"feature_network": "x", "measured": "y", "score": score, "score_label": score,
             "columns": [], "every_minutes": 1, "points": [], "best": None}))
    with pytest.raises(ValueError, match="different scores"):
        curves.read_runs([f"a={tmp_path / 'gen'}", f"b={tmp_path / 'tra'}"])
