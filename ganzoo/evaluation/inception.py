"""InceptionV3 pool features: the standard FID network, from a local weights file only.

The published FID uses InceptionV3's 2,048 average-pool features on 299x299
images. Its weights are a download, and nothing is downloaded at run time
here, so the user points the zoo at a local file:

    GANZOO_INCEPTION_WEIGHTS=/path/to/inception_v3_weights_tf_dim_ordering_tf_kernels_notop.h5

(the file Keras' `InceptionV3(include_top=False)` itself downloads). Without
it, `load()` raises an error that says exactly that. Features from Keras'
InceptionV3 are close to, but not bit-identical with, the TF1 graph behind
published FIDs, so compare numbers measured with the same network only.
"""

import os
from pathlib import Path

import keras
import numpy as np
import tensorflow as tf

ENV = "GANZOO_INCEPTION_WEIGHTS"
SIZE = 299
FEATURES = 2048


class InceptionWeightsMissing(FileNotFoundError):
    """No local InceptionV3 weights file is configured."""


def load(weights: str | os.PathLike | None = None) -> keras.Model:
    """InceptionV3 without its classifier, global-average pooled: images -> (N, 2048).

    `weights`: a local `.h5` / `.weights.h5` file (default: $GANZOO_INCEPTION_WEIGHTS),
    or the string "random" for an untrained network (tests of the code path only).
    """
    weights = weights or os.environ.get(ENV)
    if weights is None:
        raise InceptionWeightsMissing(
            f"InceptionV3 features need local weights and none are configured. Copy "
            f"Keras' 'inception_v3_weights_tf_dim_ordering_tf_kernels_notop.h5' to this "
            f"machine and set {ENV}=/path/to/it (the zoo never downloads at run time).")
    if weights != "random" and not Path(weights).is_file():
        raise InceptionWeightsMissing(f"{ENV} names {weights}, which is not a file")
    return keras.applications.InceptionV3(
        include_top=False, pooling="avg", input_shape=(SIZE, SIZE, 3),
        weights=None if weights == "random" else str(weights))


def pool_features(network: keras.Model, images: np.ndarray, batch_size: int = 32) -> np.ndarray:
    """(N, 2048) features of images in [-1, 1] (NHWC, 1 or 3 channels, any size).

    Images are resized bilinearly to 299x299 and grey images repeated to RGB;
    [-1, 1] is already InceptionV3's input range (`preprocess_input`).
    """
    images = np.asarray(images, np.float32)
    if images.ndim != 4 or images.shape[-1] not in (1, 3):
        raise ValueError(f"images must be (N, H, W, 1 or 3), got {images.shape}")
    out = []
    for start in range(0, len(images), batch_size):
        batch = tf.image.resize(images[start:start + batch_size], (SIZE, SIZE))
        if batch.shape[-1] == 1:
            batch = tf.repeat(batch, 3, axis=-1)
        out.append(np.asarray(network(batch, training=False)))
    return np.concatenate(out)
