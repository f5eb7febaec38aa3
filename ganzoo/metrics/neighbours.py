"""Metrics from nearest neighbours in feature space: fidelity, diversity and copying.

FID mixes two failures in one number; these separate them.

- Improved precision and recall (Kynkaanniemi et al. 2019): each set's
  manifold is the union of balls around its points, radius = distance to
  the k-th nearest neighbour in the same set. Precision = share of generated
  points inside the real manifold (fidelity); recall = share of real points
  inside the generated manifold (diversity; mode collapse lowers it).
- Density and coverage (Naeem et al. 2020), the outlier-robust versions:
  density counts how many real balls hold each generated point (/ k), so it
  can exceed 1; coverage is the share of real balls that hold at least one
  generated point.
- Memorization: distance from each generated sample to its nearest training
  example, next to the same distance for held-out real examples. A generator
  that copies its training set sits much closer to it than fresh real data
  does; `copies_training_data` flags that.
"""

import numpy as np

from ganzoo.metrics.report import reported_in

__all__ = ["density_coverage", "memorization", "precision_recall"]
DEFAULT_K = 3  # Kynkaanniemi et al. use k = 3; Naeem et al. recommend k = 5 with M = N = 10k


def pairwise_distances(a, b, chunk=1024) -> np.ndarray:
    """Euclidean distances (len(a), len(b)), computed in row chunks to bound memory."""
    a = np.asarray(a, np.float64).reshape(len(a), -1)
    b = np.asarray(b, np.float64).reshape(len(b), -1)
    b_sq = np.sum(b * b, axis=1)
    out = np.empty((len(a), len(b)))
    for start in range(0, len(a), chunk):
        part = a[start:start + chunk]
        sq = np.sum(part * part, axis=1)[:, None] + b_sq[None, :] - 2.0 * part @ b.T
        out[start:start + chunk] = np.sqrt(np.maximum(sq, 0.0))
    return out


def kth_neighbour_radii(points, k=DEFAULT_K) -> np.ndarray:
    """Distance from each point to its k-th nearest *other* point of the same set."""
    if len(points) <= k:
        raise ValueError(f"need more than k = {k} points, got {len(points)}")
    distances = pairwise_distances(points, points)
    return np.sort(distances, axis=1)[:, k]  # column 0 is the point itself


@reported_in("distribution", "precision_recall")
def precision_recall(real_features, generated_features, k=DEFAULT_K) -> dict:
    real_radii = kth_neighbour_radii(real_features, k)
    generated_radii = kth_neighbour_radii(generated_features, k)
    distances = pairwise_distances(generated_features, real_features)  # (generated, real)
    precision = np.mean(np.any(distances <= real_radii[None, :], axis=1))
    recall = np.mean(np.any(distances.T <= generated_radii[None, :], axis=1))
    return {"precision": float(precision), "recall": float(recall)}


@reported_in("distribution", "density_coverage")
def density_coverage(real_features, generated_features, k=DEFAULT_K) -> dict:
    real_radii = kth_neighbour_radii(real_features, k)
    inside = pairwise_distances(generated_features, real_features) <= real_radii[None, :]
    return {"density": float(inside.sum() / (k * len(inside))),
            "coverage": float(np.mean(inside.any(axis=0)))}


def memorization(generated, training, held_out, copy_ratio=0.5) -> dict:
    """Nearest-training-example distances of generated vs held-out real samples.

    `ratio` = median generated distance / median held-out distance: about 1
    for a generator that draws new examples, far below 1 for one that copies.
    Flagged (`copies_training_data`) when the ratio is below `copy_ratio`.
    `near_copies` is the share of generated samples closer to a training
    example than the closest held-out example ever gets.
    """
    generated_nn = pairwise_distances(generated, training).min(axis=1)
    held_out_nn = pairwise_distances(held_out, training).min(axis=1)
    ratio = float(np.median(generated_nn) / max(np.median(held_out_nn), 1e-12))
    return {
        "median_distance_generated": float(np.median(generated_nn)),
        "median_distance_held_out": float(np.median(held_out_nn)),
        "ratio": ratio,
        "near_copies": float(np.mean(generated_nn < held_out_nn.min())),
        "copies_training_data": ratio < copy_ratio,
    }
