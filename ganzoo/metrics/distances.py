"""Distances between two sets of feature-network activations: FID, KID and the classifier score.

Pure NumPy/SciPy functions of activations, with TF-GAN's names and formulas,
so they are testable on small random arrays and independent of the feature
network that produced the activations (Inception, the zoo's MNIST classifier).
A number from these functions means nothing without the sample count, the
reference set and the feature network: `ganzoo.evaluate` reports all three.

- FID (Heusel et al. 2017): ||mu_r - mu_g||^2 + Tr(S_r + S_g - 2 (S_r S_g)^(1/2))
  of Gaussians fitted to the two sets.
- KID (Binkowski et al. 2018): the unbiased MMD^2 estimate with the cubic
  polynomial kernel k(x, y) = (x.y / d + 1)^3, averaged over random subsets;
  unbiased, so unlike FID it does not depend on the sample count on average.
- Classifier score / Inception Score (Salimans et al. 2016):
  exp(E_x KL(p(y|x) || p(y))).
"""

import numpy as np
from scipy import linalg
from threadpoolctl import threadpool_limits

from ganzoo.metrics.report import reported_in

__all__ = ["classifier_score_from_logits", "confident_share_from_logits",
           "frechet_classifier_distance_from_activations",
           "kernel_classifier_distance_and_std_from_activations", "kid_as_reported"]


def _as_matrix(activations, name) -> np.ndarray:
    array = np.asarray(activations, np.float64)
    if array.ndim != 2 or len(array) < 2:
        raise ValueError(f"{name} must be (n >= 2, features), got shape {array.shape}")
    if not np.all(np.isfinite(array)):
        raise ValueError(f"{name} contains NaN or infinite values")
    return array


def trace_sqrt_product(sigma_a, sigma_b) -> float:
    """Tr((S_a S_b)^(1/2)) for symmetric PSD matrices.

    S_a S_b is similar to S_a^(1/2) S_b S_a^(1/2), which is symmetric PSD, so
    its eigenvalues are real and non-negative; the trace of the square root is
    the sum of their square roots. Tiny negative values from round-off are
    clipped to 0. This avoids `sqrtm`'s complex round-off on singular matrices.
    """
    # One BLAS thread: beside TensorFlow's busy thread pools on 2 cores, OpenBLAS's own
    # threads made this 128 x 128 eigendecomposition take 12 s instead of 4 ms here.
    with threadpool_limits(limits=1, user_api="blas"):
        eigenvalues = linalg.eigvals(np.asarray(sigma_a) @ np.asarray(sigma_b))
    return float(np.sum(np.sqrt(np.clip(eigenvalues.real, 0.0, None))))


@reported_in("distribution", "fid")
def frechet_classifier_distance_from_activations(real_activations, generated_activations) -> float:
    """FID between Gaussian fits of the two activation sets (TF-GAN's name)."""
    real = _as_matrix(real_activations, "real_activations")
    generated = _as_matrix(generated_activations, "generated_activations")
    if real.shape[1] != generated.shape[1]:
        raise ValueError(f"feature sizes differ: {real.shape[1]} vs {generated.shape[1]}")
    mu_r, mu_g = real.mean(axis=0), generated.mean(axis=0)
    sigma_r = np.atleast_2d(np.cov(real, rowvar=False))  # (1, 1) for one feature, not ()
    sigma_g = np.atleast_2d(np.cov(generated, rowvar=False))
    mean_term = float(np.sum(np.square(mu_r - mu_g)))
    trace_term = float(np.trace(sigma_r) + np.trace(sigma_g))
    return max(0.0, mean_term + trace_term - 2.0 * trace_sqrt_product(sigma_r, sigma_g))


def _polynomial_mmd2_unbiased(x, y) -> float:
    d = x.shape[1]
    k_xx = (x @ x.T / d + 1.0) ** 3
    k_yy = (y @ y.T / d + 1.0) ** 3
    k_xy = (x @ y.T / d + 1.0) ** 3
    m, n = len(x), len(y)
    sum_xx = (k_xx.sum() - np.trace(k_xx)) / (m * (m - 1))
    sum_yy = (k_yy.sum() - np.trace(k_yy)) / (n * (n - 1))
    return float(sum_xx + sum_yy - 2.0 * k_xy.mean())


def kernel_classifier_distance_and_std_from_activations(
        real_activations, generated_activations, num_subsets=10, max_subset_size=1000,
        seed=0) -> tuple[float, float]:
    """KID: mean and standard deviation of the unbiased polynomial MMD^2 over subsets.

    Each subset draws min(max_subset_size, n_real, n_generated) examples from
    each set without replacement (seeded). The mean can be slightly negative
    for sets from one distribution: that is what unbiased means.
    """
    real = _as_matrix(real_activations, "real_activations")
    generated = _as_matrix(generated_activations, "generated_activations")
    if real.shape[1] != generated.shape[1]:
        raise ValueError(f"feature sizes differ: {real.shape[1]} vs {generated.shape[1]}")
    size = min(max_subset_size, len(real), len(generated))
    rng = np.random.default_rng(seed)
    estimates = [
        _polynomial_mmd2_unbiased(real[rng.choice(len(real), size, replace=False)],
                                  generated[rng.choice(len(generated), size, replace=False)])
        for _ in range(num_subsets)
    ]
    return float(np.mean(estimates)), float(np.std(estimates))


@reported_in("distribution", "kid")
def kid_as_reported(real_activations, generated_activations) -> dict:
    """KID and its spread over 10 subsets of at most 250 samples each (the zoo's evaluations
    draw 500 to 2,000 samples)."""
    kid, kid_std = kernel_classifier_distance_and_std_from_activations(
        real_activations, generated_activations, num_subsets=10, max_subset_size=250)
    return {"kid": kid, "kid_std": kid_std}


def _log_softmax(logits) -> np.ndarray:
    """Row-wise log class probabilities of a (n >= 2, classes) logit matrix, overflow-safe."""
    logits = _as_matrix(logits, "logits")
    shifted = logits - logits.max(axis=1, keepdims=True)
    return shifted - np.log(np.sum(np.exp(shifted), axis=1, keepdims=True))


@reported_in("classification", "classifier_score")
def classifier_score_from_logits(logits) -> float:
    """exp(E_x KL(p(y|x) || p(y))), p(y) the mean prediction (TF-GAN's name).

    1 for a generator whose samples all look alike to the classifier (or are
    all ambiguous); the number of classes at most, reached when every sample
    is one confident class and the classes are used equally.
    """
    log_p = _log_softmax(logits)
    p = np.exp(log_p)
    log_marginal = np.log(np.mean(p, axis=0) + 1e-30)
    kl = np.sum(p * (log_p - log_marginal), axis=1)
    return float(np.exp(np.mean(kl)))


@reported_in("classification", "confident_share")
def confident_share_from_logits(logits, threshold: float = 0.9) -> float:
    """Share of samples the classifier gives one class at least `threshold` probability.

    A crispness readout the classifier score mixes with class balance: a blurred or
    half-formed digit is read as several classes at once, whatever the class counts are.
    """
    top = np.exp(_log_softmax(logits).max(axis=1))  # the largest class probability
    return float(np.mean(top >= threshold))
