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
