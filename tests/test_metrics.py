"""Every metric against its published formula on small arrays, plus the sanity
properties a metric must have (a set against itself near zero, shifted worse)."""

import numpy as np
import pytest
from scipy import linalg

from ganzoo import metrics
from ganzoo.metrics import distances, neighbours


def _gaussian(n, d, seed, shift=0.0, scale=1.0):
    return np.random.default_rng(seed).normal(shift, scale, (n, d))


def test_fid_equals_a_direct_sqrtm_computation():
    real, fake = _gaussian(400, 8, 0), _gaussian(300, 8, 1, shift=0.3, scale=1.5)
    mu_r, mu_g = real.mean(0), fake.mean(0)
    s_r, s_g = np.cov(real, rowvar=False), np.cov(fake, rowvar=False)
    covmean = linalg.sqrtm(s_r @ s_g).real
    expected = np.sum((mu_r - mu_g) ** 2) + np.trace(s_r + s_g - 2 * covmean)
    got = metrics.frechet_classifier_distance_from_activations(real, fake)
    assert got == pytest.approx(expected, rel=1e-6)


def test_fid_of_univariate_gaussians_has_the_closed_form():
    # 1D: (mu1 - mu2)^2 + (s1 - s2)^2
    real, fake = np.array([[0.0], [2.0]]), np.array([[5.0], [11.0]])
    s1, s2 = np.std([0.0, 2.0], ddof=1), np.std([5.0, 11.0], ddof=1)
    assert metrics.frechet_classifier_distance_from_activations(real, fake) == pytest.approx(
        (1.0 - 8.0) ** 2 + (s1 - s2) ** 2)


def test_fid_and_kid_of_a_set_against_itself_are_near_zero_and_grow_with_a_shift():
    real = _gaussian(500, 16, 0)
    same = _gaussian(500, 16, 1)
    assert metrics.frechet_classifier_distance_from_activations(real, real) < 1e-6
    fid_same = metrics.frechet_classifier_distance_from_activations(real, same)
    kid_same, _ = metrics.kernel_classifier_distance_and_std_from_activations(real, same, 5, 200)
    fid = [metrics.frechet_classifier_distance_from_activations(real, _gaussian(500, 16, 2, s))
           for s in (0.5, 1.0)]
    kid = [metrics.kernel_classifier_distance_and_std_from_activations(
        real, _gaussian(500, 16, 2, s), 5, 200)[0] for s in (0.5, 1.0)]
    assert fid_same < fid[0] < fid[1]
    assert abs(kid_same) < 0.1 * kid[0] and kid[0] < kid[1]


def test_kid_matches_the_unbiased_mmd_formula_term_by_term():
    x, y = _gaussian(6, 3, 0), _gaussian(6, 3, 1, shift=1.0)  # equal sizes: subsets = whole sets
    k = lambda a, b: (a @ b / 3 + 1.0) ** 3  # noqa: E731
    xx = sum(k(x[i], x[j]) for i in range(6) for j in range(6) if i != j) / (6 * 5)
    yy = sum(k(y[i], y[j]) for i in range(6) for j in range(6) if i != j) / (6 * 5)
    xy = sum(k(x[i], y[j]) for i in range(6) for j in range(6)) / (6 * 6)
    assert distances._polynomial_mmd2_unbiased(x, y) == pytest.approx(xx + yy - 2 * xy)
    mean, std = metrics.kernel_classifier_distance_and_std_from_activations(x, y, 3, 100)
    assert mean == pytest.approx(xx + yy - 2 * xy) and std == pytest.approx(0.0, abs=1e-9)


def test_classifier_score_bounds_and_formula():
    confident_even = np.eye(10)[np.arange(100) % 10] * 50.0
    collapsed = np.eye(10)[np.zeros(100, int)] * 50.0
    assert metrics.classifier_score_from_logits(confident_even) == pytest.approx(10.0, rel=1e-3)
    assert metrics.classifier_score_from_logits(collapsed) == pytest.approx(1.0, rel=1e-3)
    logits = _gaussian(7, 4, 3)
    p = np.exp(logits) / np.exp(logits).sum(1, keepdims=True)
    expected = np.exp(np.mean(np.sum(p * np.log(p / p.mean(0)), axis=1)))
    assert metrics.classifier_score_from_logits(logits) == pytest.approx(expected)


def test_confident_share_counts_samples_read_as_one_class_at_90_percent():
    sure = np.eye(10)[:4] * 50.0  # softmax ~1 on one class
    torn = np.zeros((4, 10))  # 0.1 everywhere
    torn[:, :2] = 5.0  # ~0.5 on each of two classes
    assert metrics.confident_share_from_logits(np.concatenate([sure, torn])) == 0.5
    just_below = np.zeros((2, 10))
    just_below[:, 0] = np.log(0.89 * 9 / 0.11)  # max softmax 0.89
    assert metrics.confident_share_from_logits(just_below) == 0.0
    assert metrics.confident_share_from_logits(just_below, threshold=0.85) == 1.0


def test_precision_recall_separate_fidelity_from_diversity():
    real = _gaussian(600, 2, 0)
    collapsed = _gaussian(600, 2, 1, scale=0.1)  # inside the real manifold, little of it
    off = _gaussian(600, 2, 2, shift=8.0)  # nowhere near it
    pr_collapsed = metrics.precision_recall(real, collapsed)
    pr_off = metrics.precision_recall(real, off)
    pr_same = metrics.precision_recall(real, _gaussian(600, 2, 3))
    assert pr_collapsed["precision"] > 0.95 and pr_collapsed["recall"] < 0.2
    assert pr_off["precision"] == 0.0 and pr_off["recall"] == 0.0
    assert pr_same["precision"] > 0.85 and pr_same["recall"] > 0.85


def test_precision_recall_density_coverage_by_hand():
    # Real points on a line 0, 1, 2, 3 (k = 1: every radius is 1); generated 0.5 and 10.
    real = np.array([[0.0], [1.0], [2.0], [3.0]])
    generated = np.array([[0.5], [10.0], [10.5]])
    pr = metrics.precision_recall(real, generated, k=1)
    assert pr["precision"] == pytest.approx(1 / 3)  # only 0.5 lies in a real ball
    # generated radii (k = 1): 9.5, 0.5, 0.5 -> the ball around 0.5 holds every real point
    assert pr["recall"] == pytest.approx(1.0)
    dc = metrics.density_coverage(real, generated, k=1)
    assert dc["density"] == pytest.approx(2 / 3)  # 0.5 lies in the balls of 0 and 1
    assert dc["coverage"] == pytest.approx(2 / 4)


def test_memorization_flags_a_generator_that_copies_its_training_set():
    training, held_out = _gaussian(300, 10, 0), _gaussian(100, 10, 1)
    copier = training[:100] + 1e-3 * _gaussian(100, 10, 2)
    honest = _gaussian(100, 10, 3)
    assert metrics.memorization(copier, training, held_out)["copies_training_data"]
    assert metrics.memorization(copier, training, held_out)["near_copies"] == 1.0
    result = metrics.memorization(honest, training, held_out)
    assert not result["copies_training_data"] and 0.8 < result["ratio"] < 1.25


def test_pairwise_distances_in_chunks_match_the_direct_computation():
    a, b = _gaussian(50, 5, 0), _gaussian(30, 5, 1)
    direct = np.linalg.norm(a[:, None] - b[None], axis=-1)
    assert np.allclose(neighbours.pairwise_distances(a, b, chunk=7), direct)


def test_class_mode_statistics():
    stats = metrics.class_mode_statistics([0, 0, 1, 1], num_classes=4)
    assert stats["modes_covered"] == 2 and stats["kl_to_uniform"] == pytest.approx(np.log(2))
    even = metrics.class_mode_statistics(np.arange(1000) % 1000, num_classes=1000)
    assert even["modes_covered"] == 1000 and even["kl_to_uniform"] == pytest.approx(0.0)
    one = metrics.class_mode_statistics(np.zeros(50, int), num_classes=10)
    assert one["kl_to_uniform"] == pytest.approx(np.log(10)) and one["largest_share"] == 1.0


@pytest.mark.parametrize("bad, why", [
    (np.zeros((1, 4)), r"must be \(n >= 2, features\), got shape \(1, 4\)"),
    (np.zeros(5), r"must be \(n >= 2, features\), got shape \(5,\)"),
    (np.full((3, 2), np.nan), "contains NaN or infinite values")])
def test_bad_activations_are_refused(bad, why):
    with pytest.raises(ValueError, match=why):
        metrics.frechet_classifier_distance_from_activations(bad, np.zeros((4, 2)))


def test_inception_offline_without_its_weights_says_how_to_fetch_them(monkeypatch, tmp_path):
    from ganzoo.evaluation import inception

    monkeypatch.delenv(inception.ENV, raising=False)
    monkeypatch.delenv("GANZOO_MIRROR", raising=False)
    monkeypatch.setenv("GANZOO_OFFLINE", "1")
    monkeypatch.setenv("GANZOO_CACHE_DIR", str(tmp_path / "cache"))
    with pytest.raises(inception.InceptionWeightsMissing, match="ganzoo download inception"):
        inception.load()
    with pytest.raises(inception.InceptionWeightsMissing, match="not a file"):
        inception.load(tmp_path / "missing.h5")
    monkeypatch.setenv(inception.ENV, str(tmp_path / "missing.h5"))
    with pytest.raises(inception.InceptionWeightsMissing, match="not a file"):
        inception.load()


@pytest.mark.slow
def test_inception_features_code_path_with_random_weights():
    from ganzoo.evaluation import inception

    network = inception.load("random")
    grey = np.random.default_rng(0).uniform(-1, 1, (3, 28, 28, 1)).astype(np.float32)
    features = inception.pool_features(network, grey, batch_size=2)
    assert features.shape == (3, inception.FEATURES) and np.all(np.isfinite(features))
    fid = metrics.frechet_classifier_distance_from_activations(features, features)
    assert fid == pytest.approx(0.0, abs=1e-3)


def test_the_distribution_report_is_every_marked_metric_in_order():
    from ganzoo.evaluation import image_metrics

    reference, generated = _gaussian(300, 6, 0), _gaussian(200, 6, 1, shift=0.5)
    report = image_metrics.distribution_report(generated, None, reference)
    assert list(report) == ["fid", "kid", "kid_std", "precision", "recall", "density",
                            "coverage"]
    assert report["fid"] == round(
        metrics.frechet_classifier_distance_from_activations(reference, generated), 4)
    assert report["recall"] == round(neighbours.precision_recall(reference, generated)["recall"],
                                     4)
    logits = _gaussian(200, 10, 2, scale=3.0)
    with_logits = image_metrics.distribution_report(generated, logits, reference)
    assert with_logits["classifier_score"] == round(metrics.classifier_score_from_logits(logits),
                                                    4)
    assert "confident_share" in with_logits


def test_a_metric_marked_where_it_is_defined_reaches_the_report(monkeypatch):
    from ganzoo.evaluation import image_metrics
    from ganzoo.metrics import report

    monkeypatch.setitem(report.REPORTS, "distribution", dict(report.REPORTS["distribution"]))

    @report.reported_in("distribution", "mean_gap")
    def mean_gap(reference, generated):
        return float(np.abs(reference.mean() - generated.mean()))

    reference, generated = np.zeros((40, 3)), np.ones((40, 3))
    assert image_metrics.distribution_report(generated, None, reference)["mean_gap"] == 1.0
    with pytest.raises(ValueError, match="two metrics are named 'mean_gap'"):
        report.reported_in("distribution", "mean_gap")(mean_gap)
    with pytest.raises(ValueError, match="unknown report 'vibes'"):
        report.reported_in("vibes", "mean_gap")


def test_the_package_offers_every_modules_public_metrics():
    from ganzoo.metrics import modes, translation

    for module in (distances, modes, neighbours, translation):
        for name in module.__all__:
            assert getattr(metrics, name) is getattr(module, name)
    assert len(metrics.__all__) == len(set(metrics.__all__)) > 15


def test_the_border_profile_finds_a_frame_the_data_does_not_have(tmp_path):
    from ganzoo.evaluation import border_profile

    real = np.ones((8, 16, 16, 3), np.float32)  # white, with a black dot in the centre
    real[:, 7:9, 7:9] = -1.0
    framed = real.copy()
    framed[:, 3, 3:13] = framed[:, 12, 3:13] = framed[:, 3:13, 3] = framed[:, 3:13, 12] = -1.0
    ours = border_profile.profile(real)
    assert ours.shape == (8,) and ours[0] == 0.0 and ours[7] == 1.0
    same = border_profile.compare(real, real)
    assert same["largest_gap"] == 0.0 and same["mean_abs_gap"] == 0.0
    found = border_profile.compare(framed, real)
    assert found["at_ring"] == 3 and found["largest_gap"] == 1.0  # the frame's whole ring
    chart = tmp_path / "profiles.png"
    border_profile.plot({"real": ours, "framed": border_profile.profile(framed)}, chart)
    assert chart.stat().st_size > 1000


def test_own_pair_share_counts_outputs_nearest_their_own_target():
    targets = np.random.default_rng(0).uniform(-1, 1, (6, 4, 4, 3)).astype(np.float32)
    assert metrics.own_pair_share(targets + 0.01, targets) == 1.0
    swapped = targets[[1, 0, 2, 3, 4, 5]]  # the first two lost their identity
    assert metrics.own_pair_share(swapped, targets) == pytest.approx(4 / 6)
