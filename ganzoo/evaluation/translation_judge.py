"""A translator measured on its test split, per direction: the numbers `ganzoo.evaluate`
reports beside its pixel metrics, and what the quality curve ranks a translator's points by.

Per direction (a2b, b2a):
- `l1`, `ssim`: to the true target, when the test split is paired;
- `own_pair`: the share of outputs whose nearest true target is their own pair, beside
  `own_pair_input`, the untranslated inputs' share (paired data);
- `judged`: the share the emoji style judge reads as the target's style (style-judged data);
- `fid`: outputs against the target domain's test images on the entry's feature network,
  when the split is unpaired and there is no target to compare with;
- `cycle_l1`: A -> B -> A against A, for two-way models.

The score, lower better, is stated once here (`score_of`): the mean over directions of the
distance to the target (L1 when paired, else FID) plus 0.5 x the share the style judge does
not read as the target's style. With 0.5, a point that is 0.01 further from its targets in L1
and judged 3% more often in style wins: the exercise asks for both.

The judges only read outputs. None takes part in training.
"""

import numpy as np

from ganzoo import metrics

STYLE_WEIGHT = 0.5


def direction_measures(model, pairs, direction, style_judge=None, features=None,
                       outputs=None) -> dict:
    """The measures of one direction on `pairs` (a test split of `ganzoo.datasets`);
    `outputs`, the model's translation of the direction's inputs, when already made."""
    inputs, targets = pairs.oriented(direction)
    if outputs is None:
        outputs = model.translate(inputs, direction)
    found = {}
    if pairs.paired:
        found.update(l1=metrics.mean_l1(targets, outputs), ssim=metrics.ssim(targets, outputs),
                     own_pair=metrics.own_pair_share(outputs, targets),
                     own_pair_input=metrics.own_pair_share(inputs, targets))
    elif features is not None:
        found["fid"] = float(metrics.frechet_classifier_distance_from_activations(
            features(targets), features(outputs)))
    if style_judge is not None:
        from ganzoo.evaluation import style_classifier

        found["judged"] = style_classifier.style_share(
            style_judge, outputs, style_classifier.target_style(direction))
    if len(model.directions) == 2:
        back = "b2a" if direction == "a2b" else "a2b"
        found["cycle_l1"] = metrics.mean_l1(inputs, model.translate(outputs, back))
    return {key: round(float(value), 4) for key, value in found.items()}


def score_of(by_direction: dict[str, dict]) -> float:
    """The stated combination (see the module's docstring), lower better."""
    scores = []
    for found in by_direction.values():
        distance = found["l1"] if "l1" in found else found["fid"]
        scores.append(distance + STYLE_WEIGHT * (1.0 - found.get("judged", 1.0)))
    return float(np.mean(scores))


class TranslationQuality:
    """The quality curve's judge of a translator (`ganzoo.training.quality_curve`)."""

    score = "score"

    def __init__(self, pairs, style_judge=None, features=None, network=""):
        if not pairs.paired and features is None:
            raise ValueError(f"{pairs.name}: unpaired test images need a feature network for "
                             f"the translation curve's FID: {network}")
        self.pairs, self.style_judge, self.features = pairs, style_judge, features
        distance = "L1 to the target" if pairs.paired else "FID to the target domain"
        self.score_label = (f"{distance} + {STYLE_WEIGHT:g} x not in the target's style"
                            if style_judge is not None else distance)
        self.name = ("pixels and the zoo emoji style judge" if style_judge is not None
                     else network.split(":")[0] if not pairs.paired else "pixels")
        count = f"{len(pairs.a)} test pairs" if pairs.paired else (
            f"{len(pairs.a)} + {len(pairs.b)} unpaired test images")
        self.described = f"{count} of {pairs.source}, translated each way the model goes"
        self.columns = ()  # the curve takes the first point's, which knows the directions

    def measure(self, model) -> dict:
        by_direction = {d: direction_measures(model, self.pairs, d, self.style_judge,
                                              self.features) for d in model.directions}
        point = {"score": round(score_of(by_direction), 4)}
        for direction, found in by_direction.items():
            point.update({f"{direction}_{key}": value for key, value in found.items()})
        return point


def for_entry(cfg) -> TranslationQuality:
    from ganzoo import datasets
    from ganzoo.evaluation import image_files

    pairs = datasets.for_entry(cfg, "test")
    style_judge = None
    if datasets.style_judged(cfg):
        from ganzoo.evaluation import style_classifier

        style_judge = style_classifier.load()
    network, features = ("", None)
    if not pairs.paired:
        network, features = image_files.feature_network(datasets.style_judged(cfg))
    return TranslationQuality(pairs, style_judge, features, network)
