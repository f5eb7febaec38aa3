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

import numpy as np
import keras

from ganzoo import metrics

FEATURE_LAYER = -4  # the classifier's Dense(128) ReLU output (before dropout and logits)


def classifier_features(classifier: keras.Model, images: np.ndarray, batch_size=500):
    """(penultimate activations, logits) of `classifier` on images in [-1, 1]."""
    layer = classifier.layers[FEATURE_LAYER]
    extractor = keras.Model(classifier.input, [layer.output, classifier.output])
    features, logits = [], []
    for start in range(0, len(images), batch_size):
        f, l = extractor(images[start:start + batch_size], training=False)
        features.append(np.asarray(f))
        logits.append(np.asarray(l))
    return np.concatenate(features), np.concatenate(logits)


def distribution_report(generated_features, generated_logits, reference_features) -> dict:
    kid, kid_std = metrics.kernel_classifier_distance_and_std_from_activations(
        reference_features, generated_features, num_subsets=10, max_subset_size=250)
    report = {
        "fid": metrics.frechet_classifier_distance_from_activations(reference_features,
                                                                     generated_features),
        "kid": kid, "kid_std": kid_std,
        "classifier_score": metrics.classifier_score_from_logits(generated_logits),
        **metrics.precision_recall(reference_features, generated_features),
        **metrics.density_coverage(reference_features, generated_features),
    }
    return {key: round(float(value), 4) for key, value in report.items()}


def digit_distribution_checks(samples: np.ndarray, classifier: keras.Model) -> dict:
    """Generated digits vs the 500 held-out embedded digits, beside the real-vs-real floor
    (as many training digits as samples, vs the same held-out digits), plus memorization in
    pixel space."""
    from ganzoo.datasets import mnist

    def scaled(images):
        return images.astype(np.float32) / 127.5 - 1.0

    train_images = scaled(mnist.embedded_arrays("train")[0])
    held_out = scaled(mnist.embedded_arrays("test")[0])
    reference, _ = classifier_features(classifier, held_out)
    generated, generated_logits = classifier_features(classifier, samples)
    # The floor draws as many real digits as there are samples: FID's bias depends on the
    # sample count, so only a floor at the same count says what a perfect generator scores.
    floor_count = min(len(samples), len(train_images))
    floor_images = train_images[np.random.default_rng(0).choice(len(train_images), floor_count,
                                                                replace=False)]
    floor, floor_logits = classifier_features(classifier, floor_images)
    copying = metrics.memorization(samples.reshape(len(samples), -1),
                                   train_images.reshape(len(train_images), -1),
                                   held_out.reshape(len(held_out), -1))
    return {
        "feature_network": "zoo MNIST classifier, penultimate layer (128 features)",
        "reference": f"{len(held_out)} held-out embedded MNIST digits (never trained on)",
        "generated": distribution_report(generated, generated_logits, reference),
        "real_floor": {"samples": f"{len(floor_images)} embedded training digits",
                       **distribution_report(floor, floor_logits, reference)},
        "memorization": {k: round(v, 4) if isinstance(v, float) else v
                         for k, v in copying.items()},
    }
