"""FID, KID, classifier score, precision/recall, density/coverage and memorization for
image entries, on the features of a named network against a named reference set.

The zoo measures digit entries with its own MNIST classifier (penultimate
layer, 128 features; logits for the classifier score), because the standard
InceptionV3 weights cannot be downloaded here (`ganzoo.evaluation.inception`
uses them when the user has a local file). Every report carries the feature
network, the reference set and both sample counts, and the same metrics for
real held-out digits against the same reference: the floor that a perfect
generator would reach at these sample counts.
"""

import hashlib

import keras
import numpy as np

from ganzoo import files, metrics, paths


def feature_layer(classifier: keras.Model) -> keras.layers.Layer:
    """The last hidden Dense layer (the MNIST classifier's Dense(128) ReLU), found by type:
    counting layers from the end once picked the 3,136-wide flatten output instead."""
    dense = [layer for layer in classifier.layers if isinstance(layer, keras.layers.Dense)]
    if len(dense) < 2:
        raise ValueError(f"{classifier.name} has no hidden Dense layer to take features from")
    return dense[-2]


def classifier_features(classifier: keras.Model, images: np.ndarray, batch_size=500):
    """(penultimate activations, logits) of `classifier` on images in [-1, 1]."""
    layer = feature_layer(classifier)
    extractor = keras.Model(classifier.input, [layer.output, classifier.output])
    features, logits = [], []
    for start in range(0, len(images), batch_size):
        batch_features, batch_logits = extractor(images[start:start + batch_size], training=False)
        features.append(np.asarray(batch_features))
        logits.append(np.asarray(batch_logits))
    return np.concatenate(features), np.concatenate(logits)


def distribution_report(generated_features, generated_logits, reference_features) -> dict:
    """Every metric marked for the distribution report (FID, KID, precision/recall,
    density/coverage, ...); with logits (a classifier of the data's own classes) also those
    marked for the classification report (the classifier score, the confident share)."""
    report = metrics.report.compute("distribution", reference_features, generated_features)
    if generated_logits is not None:
        report.update(metrics.report.compute("classification", generated_logits))
    return {key: round(float(value), 4) for key, value in report.items()}


def real_digits(split: str) -> np.ndarray:
    """The embedded MNIST split's images in [-1, 1], as the generators draw them."""
    from ganzoo.datasets import mnist
    from ganzoo.datasets.base import to_unit_range

    return to_unit_range(mnist.embedded_arrays(split)[0])


def real_digit_statistics(classifier: keras.Model, floor_count: int) -> dict:
    """The reference (held-out digits') features and the real floor's features and logits,
    cached on disk under a key of the classifier's weights and the floor count: they are the
    same for every entry and every rerun."""
    digest = hashlib.sha256(b"".join(np.asarray(w).tobytes() for w in classifier.weights))
    cache = paths.cache_dir() / (f"digit_reference_{feature_layer(classifier).name}_"
                                 f"{digest.hexdigest()[:16]}_{floor_count}.npz")
    if cache.is_file():
        with np.load(cache) as stored:
            return dict(stored)
    train_images = real_digits("train")
    reference, _ = classifier_features(classifier, real_digits("test"))
    # The floor draws as many real digits as there are samples: FID's bias depends on the
    # sample count, so only a floor at the same count says what a perfect generator scores.
    floor_images = train_images[np.random.default_rng(0).choice(len(train_images), floor_count,
                                                                replace=False)]
    floor, floor_logits = classifier_features(classifier, floor_images)
    stats = {"reference": reference, "floor": floor, "floor_logits": floor_logits}
    cache.parent.mkdir(parents=True, exist_ok=True)
    with files.replaced_atomically(cache) as partial:  # concurrent evaluations share it
        np.savez(partial, **stats)
    return stats


def digit_distribution_checks(samples: np.ndarray, classifier: keras.Model) -> dict:
    """Generated digits vs the 500 held-out embedded digits, beside the real-vs-real floor
    (as many training digits as samples, vs the same held-out digits), plus memorization in
    pixel space."""
    train_images = real_digits("train")
    held_out = real_digits("test")
    floor_count = min(len(samples), len(train_images))
    stats = real_digit_statistics(classifier, floor_count)
    reference, floor, floor_logits = stats["reference"], stats["floor"], stats["floor_logits"]
    generated, generated_logits = classifier_features(classifier, samples)
    copying = metrics.memorization(samples.reshape(len(samples), -1),
                                   train_images.reshape(len(train_images), -1),
                                   held_out.reshape(len(held_out), -1))
    return {
        "feature_network": "zoo MNIST classifier, penultimate layer (128 features)",
        "reference": f"{len(held_out)} held-out embedded MNIST digits (never trained on)",
        "generated": distribution_report(generated, generated_logits, reference),
        "real_floor": {"samples": f"{floor_count} embedded training digits",
                       **distribution_report(floor, floor_logits, reference)},
        "memorization": {k: round(v, 4) if isinstance(v, float) else v
                         for k, v in copying.items()},
    }
