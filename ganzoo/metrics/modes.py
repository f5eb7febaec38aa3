"""Mode statistics for 2D mixtures, by PacGAN's protocol (Lin et al. 2018, section 5).

A sample is *high quality* when it lies within 3 sigma of its nearest mode
mean; a mode is *covered* when it is the nearest mean of at least one
high-quality sample. Reported: modes covered and the high-quality share.
"""

import numpy as np


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
