"""The distance of a model's samples from held-out data, on the feature network that
`ganzoo.evaluate` uses for that entry: one object that the bench's race, the quality curve
of a training run and the final evaluation share, so that their numbers are of one kind.

- Digit entries: the zoo MNIST classifier's penultimate features, against the 500 held-out
  embedded digits.
- Image-file entries (Twemoji, a user's folder): InceptionV3's pool features when they are
  here, else for style-judged data the emoji style judge's (`image_files.feature_network`),
  against the prepared set's test split.

The judge only reads samples. No judging network takes part in training, as a
discriminator's features or otherwise: a model trained against its judge has no honest number.
"""

import numpy as np

from ganzoo import metrics


class FeatureJudge:
    """FID, KID and precision/recall of images against one reference set's features."""

    def __init__(self, name: str, features, reference_images: np.ndarray, described: str):
        self.name = name  # the feature network, as the report names it
        self.features = features  # images in [-1, 1] -> (n, d) features
        self.reference = features(reference_images)
        self.described = described  # the reference set

    def measure(self, images: np.ndarray) -> dict:
        report = metrics.report.compute("distribution", self.reference, self.features(images))
        return {key: round(float(value), 4) for key, value in report.items()}

    def fid(self, images: np.ndarray) -> float:
        return float(metrics.frechet_classifier_distance_from_activations(
            self.reference, self.features(images)))


def digit_judge() -> FeatureJudge:
    from ganzoo.evaluation import digit_classifier, image_metrics

    classifier = digit_classifier.load()
    return FeatureJudge("zoo MNIST classifier, penultimate layer (128 features)",
                        lambda images: image_metrics.classifier_features(classifier, images)[0],
                        image_metrics.real_digits("test"), "500 held-out embedded digits")


def for_entry(cfg) -> FeatureJudge:
    """The judge of an entry's noise-to-image samples; ValueError when it has none (2D
    points, translation, or image files without InceptionV3 and without a style judge)."""
    from ganzoo import datasets

    evaluator = datasets.evaluator_for_entry(cfg)
    if evaluator == "digits":
        return digit_judge()
    if evaluator != "image_files":
        raise ValueError(f"{cfg.name}: the quality curve measures noise-to-image entries; "
                         f"this one's evaluator is {evaluator!r}")
    from ganzoo.evaluation import image_files

    network_name, features = image_files.feature_network(datasets.style_judged(cfg))
    if features is None:
        raise ValueError(f"{cfg.name}: no feature network for the quality curve: {network_name}")
    held_out, _ = datasets.for_entry(cfg, "test").as_numpy()
    if len(held_out) < image_files.MIN_HELD_OUT:
        raise ValueError(f"{cfg.name}: {len(held_out)} held-out images, fewer than the "
                         f"{image_files.MIN_HELD_OUT} FID needs")
    return FeatureJudge(network_name, features, held_out,
                        f"{len(held_out)} held-out images (test split)")
