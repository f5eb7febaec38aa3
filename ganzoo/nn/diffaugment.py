"""Differentiable augmentation (Zhao et al. 2020, "DiffAugment").

The same random, differentiable transformations are applied to real and
generated images before *every* discriminator call (its update and the
generator's), so the discriminator cannot memorize a small training set
(our embedded MNIST has 4,500 images) while the generator still receives
gradients through the augmentation. Policies, as in the paper's code:

- color:       brightness +U[-0.5, 0.5], saturation x U[0, 2], contrast x U[0.5, 1.5]
- translation: shift by up to 1/8 of the size, zero padding (or reflected, or the border
               repeated: `fill`)
- cutout:      zero one square of half the size at a random position

The draws are stateless, keyed by the caller's `seed` (a train step's `step_key`): a resumed
run augments as the uninterrupted run would have, and N replicas as one device
(`step_random`).
"""

import tensorflow as tf

from ganzoo.nn import step_random

POLICIES = ("color", "translation", "cutout")
FILLS = ("zeros", "reflect", "border")  # what translation moves in from outside the image


def parse_policy(policy: str) -> tuple[str, ...]:
    names = tuple(p.strip() for p in policy.split(",") if p.strip())
    for name in names:
        if name not in POLICIES:
            raise ValueError(f"unknown DiffAugment policy '{name}'; known: {', '.join(POLICIES)}")
    return names


def diff_augment(images, policy: tuple[str, ...], seed, probability=None, fill="zeros"):
    """`images` through each transform of `policy`, its values drawn from `seed`. With a
    `probability` p (ADA, `models.options.adaptive_augment`), each transform reaches each image
    with probability p, drawn apart from the transforms' own values so that p = 1 augments
    exactly as no p does. `fill`: translation's padding (`FILLS`)."""
    for part, name in enumerate(policy):
        augmented = _AUGMENTS[name](images, step_random.split(seed, part), fill)
        if probability is not None:
            chosen = _per_example(images, seed, len(POLICIES) + part, 0.0, 1.0) < probability
            augmented = tf.where(chosen, augmented, images)
        images = augmented
    return images


def _per_example(x, seed, part, low, high, rank=4, dtype=tf.float32):
    """One value per example, shaped to broadcast over an image (rank 4) or a row grid (3)."""
    return step_random.per_example_uniform(x, step_random.split(seed, part), low, high, dtype,
                                           rank)


def _color(x, seed, fill=None):  # moves no pixel: nothing to fill
    x = x + _per_example(x, seed, 0, -0.5, 0.5)
    mean = tf.reduce_mean(x, axis=3, keepdims=True)
    x = (x - mean) * _per_example(x, seed, 1, 0.0, 2.0) + mean
    mean = tf.reduce_mean(x, axis=[1, 2, 3], keepdims=True)
    return (x - mean) * _per_example(x, seed, 2, 0.5, 1.5) + mean


def _translation(x, seed, fill="zeros", ratio=0.125):
    height, width = tf.shape(x)[1], tf.shape(x)[2]
    shift_y = tf.cast(tf.cast(height, tf.float32) * ratio + 0.5, tf.int32)
    shift_x = tf.cast(tf.cast(width, tf.float32) * ratio + 0.5, tf.int32)
    dy = _per_example(x, seed, 0, -shift_y, shift_y + 1, rank=3, dtype=tf.int32)
    dx = _per_example(x, seed, 1, -shift_x, shift_x + 1, rank=3, dtype=tf.int32)
    rows = tf.range(height)[None, :, None] + dy  # (B, H, 1)
    cols = tf.range(width)[None, None, :] + dx  # (B, 1, W)
    inside = (rows >= 0) & (rows < height) & (cols >= 0) & (cols < width)  # (B, H, W)
    if fill == "reflect":  # -1 -> 1, H -> H - 2 (no edge repeated); shifts < size
        rows = tf.where(rows < 0, -rows, tf.where(rows >= height, 2 * height - 2 - rows, rows))
        cols = tf.where(cols < 0, -cols, tf.where(cols >= width, 2 * width - 2 - cols, cols))
    rows = tf.clip_by_value(rows, 0, height - 1)
    cols = tf.clip_by_value(cols, 0, width - 1)
    full = tf.stack([tf.shape(x)[0], height, width])
    index = tf.stack([tf.broadcast_to(rows, full), tf.broadcast_to(cols, full)], axis=-1)
    moved = tf.gather_nd(x, index, batch_dims=1)
    if fill != "zeros":  # reflected or clipped to the border: every pixel is the image's
        return moved
    return moved * tf.cast(inside, x.dtype)[..., None]


def _cutout(x, seed, fill=None, ratio=0.5):  # the hole is zeros, as the paper's
    height, width = tf.shape(x)[1], tf.shape(x)[2]
    size_y = tf.cast(tf.cast(height, tf.float32) * ratio + 0.5, tf.int32)
    size_x = tf.cast(tf.cast(width, tf.float32) * ratio + 0.5, tf.int32)
    cy = _per_example(x, seed, 0, 0, height + (1 - size_y % 2), rank=3, dtype=tf.int32)
    cx = _per_example(x, seed, 1, 0, width + (1 - size_x % 2), rank=3, dtype=tf.int32)
    rows = tf.range(height)[None, :, None]
    cols = tf.range(width)[None, None, :]
    hole = ((tf.abs(rows - cy) <= size_y // 2 - 1 + size_y % 2)
            & (tf.abs(cols - cx) <= size_x // 2 - 1 + size_x % 2))
    return x * tf.cast(~hole, x.dtype)[..., None]


_AUGMENTS = {"color": _color, "translation": _translation, "cutout": _cutout}
