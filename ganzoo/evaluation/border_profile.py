"""The border-to-centre profile: how far from white an image is, ring by ring from its edge
inward, averaged over images.

Frames drawn by a generator that the data does not have (r3gan_twemoji's: every cell a
square outline) show as peaks and dips that the real images' profile lacks, where FID on
pooled features barely sees them. On white-background data the real profile starts near 0 at
the edge and rises toward the centre.
"""

import numpy as np


def profile(images) -> np.ndarray:
    """(rings,): ring d holds the pixels d steps in from the nearest edge; its value is their
    mean distance from white, (1 - x) / 2 over channels, for images in [-1, 1]."""
    images = np.asarray(images, np.float32)
    height, width = images.shape[1:3]
    rows, cols = np.arange(height)[:, None], np.arange(width)[None, :]
    ring = np.minimum(np.minimum(rows, height - 1 - rows), np.minimum(cols, width - 1 - cols))
    distance = ((1.0 - images) / 2.0).mean(axis=(0, 3))  # (H, W), over images and channels
    counts = np.bincount(ring.ravel())
    return np.bincount(ring.ravel(), weights=distance.ravel()) / counts


def compare(generated, real) -> dict:
    """Both profiles and where they part most: a frame is a ring the samples darken (or
    lighten) that the data does not."""
    ours, theirs = profile(generated), profile(real)
    gap = ours - theirs
    worst = int(np.argmax(np.abs(gap)))
    return {"generated": [round(float(v), 3) for v in ours],
            "real": [round(float(v), 3) for v in theirs],
            "largest_gap": round(float(gap[worst]), 4), "at_ring": worst,
            "mean_abs_gap": round(float(np.abs(gap).mean()), 4)}
