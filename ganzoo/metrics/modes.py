"""Mode statistics for 2D mixtures, by PacGAN's protocol (Lin et al. 2018, section 5).

A sample is *high quality* when it lies within 3 sigma of its nearest mode
mean; a mode is *covered* when it is the nearest mean of at least one
high-quality sample. Reported: modes covered and the high-quality share.
"""

import numpy as np

__all__ = ["class_mode_statistics", "mixture_mode_statistics"]


def mixture_mode_statistics(samples, means, sigma) -> dict:
    samples = np.asarray(samples, np.float64)
    means = np.asarray(means, np.float64)
    if samples.ndim != 2 or samples.shape[1] != means.shape[1]:
        raise ValueError(f"samples must be (n, {means.shape[1]}), got {samples.shape}")
    distances = np.linalg.norm(samples[:, None, :] - means[None, :, :], axis=-1)
    nearest = np.argmin(distances, axis=1)
    high_quality = distances[np.arange(len(samples)), nearest] <= 3.0 * sigma
    covered = np.unique(nearest[high_quality])
    return {
        "samples": int(len(samples)),
        "modes": int(len(means)),
        "modes_covered": int(len(covered)),
        "high_quality_share": float(np.mean(high_quality)),
    }


def class_mode_statistics(predicted_classes, num_classes) -> dict:
    """Modes covered and KL(histogram || uniform) for classifier-labelled samples.

    The Stacked MNIST protocol (Srivastava et al. 2017; PacGAN, Table 2): a
    mode is covered when at least one sample is classified into it, and the
    KL divergence of the class histogram to the uniform distribution
    measures how unevenly the modes are drawn (0 for a perfectly even draw,
    log(num_classes) for a generator stuck in one mode).
    """
    predicted = np.asarray(predicted_classes).reshape(-1)
    if len(predicted) == 0:
        raise ValueError("no samples")
    if predicted.min() < 0 or predicted.max() >= num_classes:
        raise ValueError(f"classes must be in [0, {num_classes})")
    counts = np.bincount(predicted, minlength=num_classes)
    share = counts / counts.sum()
    nonzero = share > 0
    kl = float(np.sum(share[nonzero] * np.log(share[nonzero] * num_classes)))
    return {"samples": int(len(predicted)), "modes": int(num_classes),
            "modes_covered": int(np.count_nonzero(counts)), "kl_to_uniform": kl,
            "largest_share": float(share.max())}
