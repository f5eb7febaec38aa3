"""k-means cluster ids as labels: what a self-conditioned GAN trains on (Liu et al. 2020).

An unconditional generator maps one connected Gaussian onto data whose modes are
disconnected, so some samples fall between them (a digit half 4, half 9). A
conditional GAN does not have the problem (`cgan_mnist`'s samples are as clear as
real digits), but needs labels. Self-conditioning gets the labels from the data
itself: cluster the training images, then train as if the cluster ids were classes.
Liu et al. cluster the discriminator's features and re-cluster during training;
here the images are clustered once, on their pixels, before training (a simpler,
fixed partition; see docs/results.md, "Self-conditioning").

Plain Lloyd iterations from a k-means++ start, in NumPy, seeded: the same data
and seed give the same clusters, so a resumed run relabels its data as the
first run did.
"""

from dataclasses import replace

import numpy as np
import tensorflow as tf

from ganzoo.datasets.base import ImageData

# Streamed data (TFDS) is clustered on its first examples; the rest are assigned to the
# nearest centre as they stream.
MAX_CLUSTERED_EXAMPLES = 20_000


def kmeans(points: np.ndarray, k: int, *, seed: int = 0, iterations: int = 50
           ) -> tuple[np.ndarray, np.ndarray]:
    """(centres (k, d), assignments (n,)) of Lloyd's k-means from a k-means++ start."""
    points = np.asarray(points, np.float64).reshape(len(points), -1)
    if not 1 <= k <= len(points):
        raise ValueError(f"k-means needs 1 <= k <= {len(points)} points, got k = {k}")
    rng = np.random.default_rng(seed)
    centres = _kmeans_plus_plus(points, k, rng)
    assignments = nearest(points, centres)
    for _ in range(iterations):
        for j in range(k):
            members = points[assignments == j]
            # An emptied cluster restarts at the point farthest from its centre.
            centres[j] = members.mean(axis=0) if len(members) else points[
                np.argmax(_squared_distances(points, centres).min(axis=1))]
        updated = nearest(points, centres)
        if np.array_equal(updated, assignments):
            break
        assignments = updated
    return centres.astype(np.float32), assignments.astype(np.int32)


def nearest(points: np.ndarray, centres: np.ndarray) -> np.ndarray:
    """The index of each point's nearest centre."""
    points = np.asarray(points, np.float64).reshape(len(points), -1)
    return np.argmin(_squared_distances(points, np.asarray(centres, np.float64)), axis=1)


def _squared_distances(points, centres):
    return ((points ** 2).sum(1)[:, None] - 2.0 * points @ centres.T
            + (centres ** 2).sum(1)[None, :])


def _kmeans_plus_plus(points, k, rng):
    """Arthur & Vassilvitskii 2007: each new centre drawn with probability proportional to
    its squared distance from the centres so far."""
    centres = [points[rng.integers(len(points))]]
    closest = _squared_distances(points, np.array(centres))[:, 0]
    for _ in range(1, k):
        weights = np.maximum(closest, 0.0)
        total = weights.sum()
        index = (rng.choice(len(points), p=weights / total) if total > 0
                 else rng.integers(len(points)))
        centres.append(points[index])
        closest = np.minimum(closest, _squared_distances(points, points[index][None])[:, 0])
    return np.array(centres)


def clustered(data: ImageData, k: int, *, seed: int = 0) -> tuple[ImageData, np.ndarray]:
    """(`data` labelled with k-means cluster ids instead of its own labels, the clusters'
    shares of the clustered examples). The data's own labels are never read."""
    if data.arrays is not None:
        images = data.arrays[0]
    else:
        images, _ = data.as_numpy(limit=MAX_CLUSTERED_EXAMPLES)
    centres, assignments = kmeans(images, k, seed=seed)
    shares = np.bincount(assignments, minlength=k) / len(assignments)
    if data.arrays is not None:
        arrays = (images, assignments)
        return replace(data, num_classes=k, arrays=arrays,
                       make_dataset=lambda: tf.data.Dataset.from_tensor_slices(arrays)), shares

    if data.fetch is not None:  # prepared images: relabel each batch as it is read
        fetch = data.fetch

        def fetch_clustered(indices):
            images, _ = fetch(indices)
            flat = images.reshape(len(images), -1).astype(np.float32) / 127.5 - 1.0
            return images, nearest(flat, centres).astype(np.int32)

        return replace(data, num_classes=k, fetch=fetch_clustered), shares

    flat_centres = tf.constant(centres)

    def relabel(image, _label):
        flat = tf.reshape(image, (1, -1))
        distances = tf.reduce_sum(tf.square(flat - flat_centres), axis=1)
        return image, tf.cast(tf.argmin(distances), tf.int32)

    def make():
        return data.make_dataset().map(relabel, num_parallel_calls=tf.data.AUTOTUNE)

    return replace(data, num_classes=k, make_dataset=make), shares


def purity(assignments, labels) -> float:
    """The share of examples whose label is the most common one in their cluster: how close
    the clusters come to the classes (1 = every cluster one class). A check, never an input."""
    assignments, labels = np.asarray(assignments), np.asarray(labels)
    return float(sum(np.bincount(labels[assignments == c]).max()
                     for c in np.unique(assignments)) / len(labels))


def main(cluster_counts=(10, 20, 50, 100)) -> dict:
    """`python -m ganzoo.datasets.clusters`: how pure the embedded MNIST training digits'
    clusters are (self-conditioning's partition, seed 0) at several cluster counts."""
    from ganzoo.datasets import mnist

    data = mnist.load("train", "embedded")
    images, labels = data.arrays
    print(f"{data.source}: {len(labels)} training digits; k-means on pixels, seed 0")
    report = {}
    for k in cluster_counts:
        _, assignments = kmeans(images, k, seed=0)
        shares = np.bincount(assignments, minlength=k) / len(assignments)
        report[k] = {"purity": round(purity(assignments, labels), 4),
                     "smallest_share": round(float(shares.min()), 4),
                     "largest_share": round(float(shares.max()), 4)}
        print(f"  {k:4d} clusters: purity {report[k]['purity']:.1%}, cluster shares "
              f"{report[k]['smallest_share']:.1%} to {report[k]['largest_share']:.1%}")
    return report


if __name__ == "__main__":
    main()
