"""InfoGAN's categorical latent code (Chen et al. 2016), carried inside z.

An unconditional generator maps a connected latent space onto data whose modes
are disconnected (ten digit classes, 25 grid points), so some of its samples
must fall between modes: half-formed digits, points between Gaussians. InfoGAN
feeds the generator a uniform categorical code c next to the noise and makes c
recoverable from the image (see `losses.mutual_information_penalty`), which
lets the generator jump between modes at the code's boundaries.

Here the code is read off z's first coordinate, c = floor(K * Phi(z_0)), where
Phi is the standard normal CDF, so c is uniform over K values and z keeps its
shape: sampling, seeds, the input pipeline and the serving signatures are the
same as without a code. The generator sees [one_hot(c), z_1, ..., z_{d-1}].
"""

from statistics import NormalDist

import keras
import numpy as np
from keras import ops


def _normal_quantiles(probabilities) -> np.ndarray:
    """Phi^-1(p) as float32 constants (Python's own, so also inside a traced graph)."""
    return np.array([NormalDist().inv_cdf(float(p)) for p in probabilities], np.float32)


def latent_category(z, categories: int):
    """The code each row of z carries: an int32 in [0, categories).

    floor(K * Phi(z_0)) counted as the number of quantiles Phi^-1(i / K), i = 1..K-1, that
    z_0 reaches: the same category without an Erf op, which TFLite's builtins lack.
    """
    thresholds = _normal_quantiles(np.arange(1, categories) / categories)
    z0 = ops.cast(z[:, :1], "float32")
    return ops.sum(ops.cast(z0 >= thresholds[None, :], "int32"), axis=1)


def latent_with_category(category, z_rest, categories: int):
    """z whose first coordinate carries `category` (the middle of its slice of Phi) and
    whose other coordinates are `z_rest`: how a caller picks a code on purpose."""
    centres = _normal_quantiles((np.arange(categories) + 0.5) / categories)
    z_rest = np.asarray(z_rest, np.float32)
    return np.concatenate([centres[np.asarray(category)][:, None], z_rest], axis=1)


@keras.saving.register_keras_serializable(package="ganzoo")
class CategoricalCode(keras.layers.Layer):
    """z (B, d) -> [one_hot(c), z[:, 1:]] (B, K + d - 1), with c = latent_category(z, K)."""

    def __init__(self, categories, **kwargs):
        super().__init__(**kwargs)
        self.categories = int(categories)

    def call(self, z):
        one_hot = ops.one_hot(latent_category(z, self.categories), self.categories,
                              dtype=z.dtype)
        return ops.concatenate([one_hot, z[:, 1:]], axis=-1)

    def compute_output_shape(self, input_shape):
        return (input_shape[0], self.categories + input_shape[1] - 1)

    def get_config(self):
        return {**super().get_config(), "categories": self.categories}


@keras.saving.register_keras_serializable(package="ganzoo")
class ClusterCode(keras.layers.Layer):
    """A self-conditioned GAN's cluster, carried in z's first coordinate like InfoGAN's code,
    but drawn with the clusters' shares of the data instead of uniformly.

    z (B, d) -> [one_hot(c), z[:, 1:]] (B, K + d - 1), where c counts the thresholds
    Phi^-1(share_0 + ... + share_i) that z_0 reaches. The thresholds (and the slice centres
    that training uses to ask for a cluster) are weights, not config: they are known only
    once the data is clustered, after the model is built, and they must ride along into
    checkpoints and the SavedModel. Until `set_shares`, the shares are uniform. The
    comparison runs in float32: bfloat16 would move the boundaries of small clusters.
    """

    def __init__(self, clusters, **kwargs):
        kwargs["dtype"] = "float32"
        super().__init__(**kwargs)
        self.clusters = int(clusters)

    def build(self, input_shape):
        uniform = np.full(self.clusters, 1.0 / self.clusters)
        thresholds, centres = _thresholds_and_centres(uniform)
        self.thresholds = self.add_weight(
            shape=(self.clusters - 1,), initializer=keras.initializers.Constant(thresholds),
            trainable=False, name="thresholds")
        self.centres = self.add_weight(
            shape=(self.clusters,), initializer=keras.initializers.Constant(centres),
            trainable=False, name="centres")

    def set_shares(self, shares):
        thresholds, centres = _thresholds_and_centres(shares)
        self.thresholds.assign(thresholds)
        self.centres.assign(centres)

    def cluster_of(self, z):
        z0 = ops.cast(z[:, :1], "float32")
        return ops.sum(ops.cast(z0 >= self.thresholds[None, :], "int32"), axis=1)

    def with_clusters(self, z, clusters):
        """z whose first coordinate asks for `clusters` (the centre of each one's slice)."""
        z = ops.cast(z, "float32")
        first = ops.take(self.centres, ops.cast(clusters, "int32"))[:, None]
        return ops.concatenate([first, z[:, 1:]], axis=-1)

    def call(self, z):
        one_hot = ops.one_hot(self.cluster_of(z), self.clusters, dtype="float32")
        return ops.concatenate([one_hot, ops.cast(z[:, 1:], "float32")], axis=-1)

    def compute_output_shape(self, input_shape):
        return (input_shape[0], self.clusters + input_shape[1] - 1)

    def get_config(self):
        return {**super().get_config(), "clusters": self.clusters}


def _thresholds_and_centres(shares) -> tuple[np.ndarray, np.ndarray]:
    """Phi^-1 of the clusters' cumulative shares (K - 1 boundaries) and of each slice's middle.
    Cumulative shares are kept inside (1e-6, 1 - 1e-6): an empty cluster gets a thin slice,
    never an infinite boundary."""
    shares = np.asarray(shares, np.float64)
    if (shares.ndim != 1 or len(shares) < 2 or np.any(shares < 0)
            or not np.isclose(shares.sum(), 1.0)):
        raise ValueError(f"cluster shares must be >= 2 non-negative numbers summing to 1, "
                         f"got {shares!r}")
    edges = np.clip(np.concatenate([[0.0], np.cumsum(shares)]), 1e-6, 1.0 - 1e-6)
    return _normal_quantiles(edges[1:-1]), _normal_quantiles((edges[:-1] + edges[1:]) / 2)
