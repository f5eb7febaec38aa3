"""Checks for entries trained on image files (a user's, or the Twemoji folder).

Against the prepared set's held-out split, which training never reads:
FID, KID, precision/recall and density/coverage on the features of a named
network, beside the real floor (as many training images as samples, against the
same held-out images: what a perfect generator scores at these counts), and the
memorization check in pixel space (nearest training image of each sample vs of
each held-out image), and the border-to-centre profile against the held-out images', which
shows frames the data does not have (`ganzoo.evaluation.border_profile`).

The feature network (`feature_network`): InceptionV3's pool features, fetched on first use
(`ganzoo.evaluation.inception`, the standard FID network); without them, for style-judged
built-in data only, the zoo's emoji style judge; else no feature metrics, and the report says
what FID needs. The memorization check, whose held-out distances are the real floor in pixel
space, is reported in every case. Every report names the network it used.
"""

import keras
import numpy as np

from ganzoo import metrics
from ganzoo.evaluation import border_profile, image_metrics

MAX_TRAINING_IMAGES = 20_000  # memorization and the floor compare against at most these
# Fewer held-out images than this give FID and precision/recall that mean nothing (covariances
# of rank below the feature count, neighbourhoods of a handful of points): reported as skipped.
MIN_HELD_OUT = 50


def feature_network(style_judged: bool):
    """(name, images -> features) of the network that judges these images, or (why there is
    none, None).

    InceptionV3 judges any images, fetched on first use (`evaluation.inception`). Without it,
    the zoo's emoji style judge stands in only for data that declares itself style-judged
    (the Twemoji and emoji sets, `datasets.style_judged`): it was trained to tell two emoji
    fonts apart, so its features say nothing about photos."""
    from ganzoo.evaluation import inception

    try:
        weights, described = inception.weights_file()
        network = inception.load(weights)
        return (f"InceptionV3 pool features (2,048), {described}",
                lambda images: inception.pool_features(network, images))
    except inception.InceptionWeightsMissing as missing:
        if not style_judged:
            return str(missing), None
    from ganzoo.evaluation import style_classifier

    judge = style_classifier.load()
    pooled = next(layer for layer in judge.layers
                  if isinstance(layer, keras.layers.GlobalAveragePooling2D))
    extractor = keras.Model(judge.input, pooled.output)
    return ("zoo emoji style judge, pooled features (64): InceptionV3's weights are not here "
            "(ganzoo download inception)",
            lambda images: np.asarray(extractor.predict(images, batch_size=256, verbose=0)))


def image_file_checks(model, cfg, samples: int = 2000, seed: int = 0) -> dict:
    from ganzoo import datasets

    train, test = datasets.for_entry(cfg, "train"), datasets.for_entry(cfg, "test")
    held_out, _ = test.as_numpy()
    training, _ = train.as_numpy(MAX_TRAINING_IMAGES)
    generated = model.sample(samples, seed=seed)
    copying = metrics.memorization(generated.reshape(len(generated), -1),
                                   training.reshape(len(training), -1),
                                   held_out.reshape(len(held_out), -1))
    report = {
        "seed": seed,
        "data": test.source,
        "reference": f"{len(held_out)} held-out images (test split, never trained on)",
        "memorization": {k: round(v, 4) if isinstance(v, float) else v
                         for k, v in copying.items()},
        "border_profile": border_profile.compare(generated, held_out),
    }
    if len(held_out) < MIN_HELD_OUT:
        report["distribution"] = (f"skipped: {len(held_out)} held-out images, fewer than the "
                                  f"{MIN_HELD_OUT} FID and precision/recall need")
        return report
    network_name, features = feature_network(datasets.style_judged(cfg))
    if features is None:
        report["distribution"] = f"skipped: {network_name}"
        return report
    reference = features(held_out)
    floor_count = min(samples, len(training))
    floor_images = training[np.random.default_rng(0).choice(len(training), floor_count,
                                                            replace=False)]
    return {
        **report,
        "feature_network": network_name,
        "generated": {"samples": samples,
                      **image_metrics.distribution_report(features(generated), None, reference)},
        "real_floor": {"samples": f"{floor_count} training images",
                       **image_metrics.distribution_report(features(floor_images), None,
                                                           reference)},
    }
