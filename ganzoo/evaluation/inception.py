"""InceptionV3 pool features: the standard FID network, fetched on first use.

The published FID uses InceptionV3's 2,048 average-pool features on 299 x 299 images.
The weights are the file Keras' `InceptionV3(include_top=False, weights="imagenet")`
downloads, fetched through the zoo's own path (`ganzoo.hub.fetch`): into the cache, from
`$GANZOO_MIRROR` if set, else from Keras' origin; checked by the MD5 Keras checks it by
(`ganzoo.hub.registry.EXTERNAL`); not fetched under GANZOO_OFFLINE. `ganzoo download
inception` fetches it ahead of time. `GANZOO_INCEPTION_WEIGHTS=/path/to/file.h5` uses a
local copy instead. Features from Keras' InceptionV3 are close to, but not bit-identical
with, the TF1 graph behind published FIDs, so compare numbers measured with the same network
only.

Resizing follows TF-GAN's convention (`tfgan.eval.preprocess_image`): bilinear resize of
float images in [-1, 1] to 299 x 299, grey repeated to three channels.
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
    """The InceptionV3 weights are neither configured nor fetchable (offline, or the fetch
    failed); the message says what is needed and the command that fetches it."""


def weights_file() -> tuple[Path, str]:
    """(the weights file, how a report names it): $GANZOO_INCEPTION_WEIGHTS, else Keras' file
    in the cache, fetched if missing."""
    from ganzoo import integrity
    from ganzoo.hub import fetch, registry

    explicit = os.environ.get(ENV)
    if explicit:
        if not Path(explicit).is_file():
            raise InceptionWeightsMissing(f"{ENV} names {explicit}, which is not a file")
        return Path(explicit), f"local file {explicit}, sha256 {integrity.sha256(Path(explicit))}"
    record = registry.EXTERNAL[registry.INCEPTION][1][0]
    try:
        folder = fetch.ensure(registry.INCEPTION)
    except fetch.FetchError as err:
        raise InceptionWeightsMissing(
            f"FID needs the InceptionV3 weights, which are not here: {' '.join(str(err).split())}"
            f" (fetch them with: ganzoo download inception)") from None
    return folder / record.path, f"Keras' ImageNet weights, {record.checksum}"


def load(weights: str | os.PathLike | None = None) -> keras.Model:
    """InceptionV3 without its classifier, global-average pooled: images -> (N, 2048).

    `weights`: a weights file (default: `weights_file()`), or the string "random" for an
    untrained network of the same architecture (tests of the code path only).
    """
    if weights is None:
        weights, _ = weights_file()
    elif weights != "random" and not Path(weights).is_file():
        raise InceptionWeightsMissing(f"{weights} is not a file")
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
