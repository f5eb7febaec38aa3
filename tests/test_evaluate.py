"""`ganzoo.evaluate`: digit distribution checks, their cached reference features, `--all`."""

import numpy as np
import pytest

from ganzoo import config, evaluate, integrity, paths
from ganzoo.evaluation import digit_classifier, image_metrics
from ganzoo.training import runner
from tests.conftest import tiny_overrides

real_digits = image_metrics.real_digits


def test_reference_features_are_cached_and_reused(monkeypatch):
    classifier = digit_classifier.load()
    first = image_metrics.real_digit_statistics(classifier, 300)
    assert len(list(paths.cache_dir().glob("digit_reference_*300.npz"))) == 1

    def no_recompute(*args, **kwargs):
        raise AssertionError("cached features were recomputed")

    monkeypatch.setattr(image_metrics, "classifier_features", no_recompute)
    second = image_metrics.real_digit_statistics(classifier, 300)
    for key in ("reference", "floor", "floor_logits"):
        np.testing.assert_array_equal(first[key], second[key])


def test_another_classifier_gets_its_own_cache_entry():
    classifier = digit_classifier.load()
    image_metrics.real_digit_statistics(classifier, 300)
    kernel = classifier.weights[0]
    kernel.assign(kernel.numpy() * 1.01)
    image_metrics.real_digit_statistics(classifier, 300)
    assert len(list(paths.cache_dir().glob("digit_reference_*300.npz"))) == 2


def test_real_digits_score_like_the_floor_and_training_copies_are_flagged():
    classifier = digit_classifier.load()
    held_out = image_metrics.digit_distribution_checks(real_digits("test"), classifier)
    assert held_out["generated"]["fid"] < 1.0  # the reference set against itself
    assert not held_out["memorization"]["copies_training_data"]
    copies = image_metrics.digit_distribution_checks(real_digits("train")[:500], classifier)
    assert copies["memorization"]["copies_training_data"]
    noise = np.random.default_rng(0).uniform(-1, 1, (500, 28, 28, 1)).astype(np.float32)
    scrambled = image_metrics.digit_distribution_checks(noise, classifier)
    assert scrambled["generated"]["fid"] > 5 * copies["real_floor"]["fid"]


def test_evaluate_all_times_every_trained_entry(tmp_path):
    cfg = config.load_entry("gan_ring8", {**tiny_overrides("gan"), "train.steps": 2})
    runner.run(cfg, workdir=tmp_path / "run", models_dir=tmp_path / "models", verbose=0)
    rows = evaluate.evaluate_all(models_dir=tmp_path / "models")
    assert [row["entry"] for row in rows] == ["gan_ring8"]
    assert rows[0]["seconds"] > 0 and "/8 modes" in rows[0]["checks"]


@pytest.mark.parametrize("argv", [["evaluate"], ["evaluate", "--name", "gan_ring8", "--all"]])
def test_evaluate_needs_exactly_one_of_name_or_all(argv):
    from absl import app

    evaluate.FLAGS(argv)
    try:
        with pytest.raises(app.UsageError, match="--name NAME or --all"):
            evaluate.main([])
    finally:
        evaluate.FLAGS.unparse_flags()


def test_digit_features_are_the_classifiers_128_penultimate_units():
    classifier = digit_classifier.load()
    features, logits = image_metrics.classifier_features(classifier, real_digits("test")[:10])
    assert features.shape == (10, 128) and logits.shape == (10, 10)
    assert image_metrics.feature_layer(classifier).units == 128


def test_a_plain_rerun_keeps_an_earlier_multi_seed_result(tmp_path):
    """`--train_seeds` costs many trainings; `evaluate --all` or a plain rerun must not drop it."""
    import json

    cfg = config.load_entry("gan_ring8", {**tiny_overrides("gan"), "train.steps": 2})
    result = runner.run(cfg, workdir=tmp_path / "run", models_dir=tmp_path / "models", verbose=0)
    card_path = result.version_dir / integrity.CARD
    card = json.loads(card_path.read_text())
    card["checks"] = {"command": "python -m ganzoo.evaluate --name gan_ring8 --train_seeds 5",
                      "over_training_seeds": {"mean_modes_covered": 7.5, "training_seeds": 5}}
    card_path.write_text(json.dumps(card))
    report = evaluate.evaluate("gan_ring8", models_dir=tmp_path / "models")
    kept = json.loads(card_path.read_text())["checks"]["over_training_seeds"]
    assert kept == report["over_training_seeds"]
    assert kept["mean_modes_covered"] == 7.5
    assert kept["command"].endswith("--train_seeds 5")


def test_stacked_mnist_modes_are_read_the_same_from_images_padded_to_32():
    from ganzoo.datasets import stacked_mnist
    from ganzoo.evaluation import digit_classifier

    images, modes = stacked_mnist.load("test", "embedded").as_numpy()
    images, modes = images[:40], modes[:40]
    padded = np.pad(images, ((0, 0), (2, 2), (2, 2), (0, 0)), constant_values=-1.0)
    classifier = digit_classifier.load()
    read = stacked_mnist.modes_of(images, classifier)
    np.testing.assert_array_equal(stacked_mnist.modes_of(padded, classifier), read)
    assert (read == modes).mean() > 0.9


def test_evaluate_all_in_an_installed_wheel_takes_what_ganzoo_list_shows(tmp_path, monkeypatch,
                                                                      capsys):
    """No checkout: the registry's entries are trained (fetched on use), as `ganzoo list`
    says; with nothing trained anywhere, one line says why nothing is evaluated."""
    from ganzoo.hub import registry

    monkeypatch.setattr(paths, "shipped_models_dir", lambda: tmp_path / "not_a_checkout")
    monkeypatch.setenv(paths.USER_MODELS_ENV, str(tmp_path / "user_models"))
    monkeypatch.delenv(paths.MODELS_ENV, raising=False)
    names = evaluate.entries_to_evaluate()
    assert "gan_ring8" in names and "dcgan_mnist" in names
    assert "dcgan_celeba" not in names  # needs the user's data
    monkeypatch.setattr(registry, "versions", lambda name: [])
    assert evaluate.entries_to_evaluate() == []
    evaluate.FLAGS(["evaluate", "--all"])
    try:
        assert evaluate.main([]) == 1
    finally:
        evaluate.FLAGS.unparse_flags()
    assert "nothing to evaluate: no entry has a trained version" in capsys.readouterr().err
