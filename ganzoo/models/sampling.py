"""Drawing from a trained noise-to-data model: `sample` (seeds, labels or class names, codes,
truncation) and `walk` (a spherical path through several seeds' noise). A mixin of
`AdversarialModel`, which supplies `generate`, `sampling_generator`, `hparams` and the labels.
"""

import numpy as np
import tensorflow as tf

from ganzoo.nn import latent_code


class Sampling:
    """`sample` and `walk`, shared by every noise-to-data family."""

    def sample(self, n, labels=None, seed=None, batch_size=500, codes=None, truncation=None):
        """`n` images as float32 (n, H, W, C) in [-1, 1]; the same seed gives the same images.

        `labels` (conditional families): n class indices, or class names for a model trained
        on class folders (`labels=["cat", "dog"]`).
        `codes` (n integers) picks InfoGAN's latent category, or the self-conditioned GAN's
        cluster, per sample; without it the category is drawn with z.
        `truncation` psi in (0, 1] scales z toward 0, so samples lie nearer the generator's
        typical output: less variety, fewer failures (1 or None: no truncation).
        """
        n = _positive_int(n, "n")
        seed = np.random.SeedSequence().entropy % 2**31 if seed is None else int(seed)
        z = self._truncated(self.noise(n, seed), truncation)
        if codes is not None and self.hparams.self_conditioning:
            z = self.conditioned_noise(z, self._codes_for(n, codes))
        elif codes is not None:
            z = tf.constant(latent_code.latent_with_category(
                self._codes_for(n, codes), np.asarray(z)[:, 1:], self.hparams.latent_categories))
        return self._generated(z, self._labels_for(n, labels, seed), batch_size)

    def walk(self, seeds, frames=16, labels=None, truncation=None, batch_size=500):
        """Images along a spherical path through the noise of each seed in turn:
        (len(seeds) - 1) * frames + 1 of them; image i * frames is `sample(1, seed=seeds[i])`
        with the same label.

        `labels` (conditional families): none (the first seed's class, held), one label
        (held), or one per seed (the class changes halfway between two seeds).
        """
        seeds = [int(s) for s in seeds]
        frames = _positive_int(frames, "frames")
        if len(seeds) < 2:
            raise ValueError(f"a walk needs two or more seeds, got {seeds}")
        keys = np.concatenate([np.asarray(self.noise(1, s)) for s in seeds])
        path = [slerp(keys[i], keys[i + 1], t) for i in range(len(seeds) - 1)
                for t in np.arange(frames) / frames] + [keys[-1]]
        z = self._truncated(tf.constant(np.stack(path), tf.float32), truncation)
        steps = len(path)
        if not self.conditional:
            return self._generated(z, self._labels_for(steps, labels, seeds[0]), batch_size)
        if labels is None:
            labels = [int(self._labels_for(1, None, seeds[0])[0])]
        labels = self._label_indices(labels if isinstance(labels, (list, tuple)) else [labels])
        if len(labels) not in (1, len(seeds)):
            raise ValueError(f"give one label, or one per seed ({len(seeds)}), got {len(labels)}")
        nearest = np.minimum(np.rint(np.arange(steps) / frames).astype(int), len(labels) - 1)
        return self._generated(z, self._labels_for(steps, np.asarray(labels)[nearest], 0),
                               batch_size)

    @property
    def _code_categories(self) -> int:
        """How many codes z's first coordinate picks from (InfoGAN's or the clusters); 0: none."""
        return self.hparams.latent_categories or self.hparams.self_conditioning

    def noise(self, n, seed):
        """The z of `sample(n, seed=seed)`."""
        return tf.random.stateless_normal((n, self.hparams.latent_dim), seed=(int(seed), 0))

    def _truncated(self, z, truncation):
        if truncation is None:
            return z
        psi = float(truncation)
        if not 0.0 < psi <= 1.0:
            raise ValueError(f"truncation must be in (0, 1], got {truncation}")
        if self._code_categories:
            # the first coordinate picks the code or cluster; scaling it would pick others
            return tf.concat([z[:, :1], psi * z[:, 1:]], axis=1)
        return psi * z

    def _generated(self, z, labels, batch_size):
        chunks = []
        for start in range(0, int(z.shape[0]), batch_size):
            part = slice(start, start + batch_size)
            chunk_labels = None if labels is None else labels[part]
            chunks.append(
                self.generate(z[part], chunk_labels, training=False,
                              generator=self.sampling_generator)
            )
        return np.concatenate([np.asarray(c, np.float32) for c in chunks])

    def _codes_for(self, n, codes):
        categories = self._code_categories
        if not categories:
            raise ValueError(f"{type(self).__name__} was trained without a latent code or "
                             f"clusters (model.latent_categories = model.self_conditioning = 0); "
                             f"do not pass codes")
        return _indices(codes, n, categories, "codes")

    def _labels_for(self, n, labels, seed):
        if not self.conditional:
            if labels is not None:
                raise ValueError(f"{type(self).__name__} is unconditional; do not pass labels")
            return None
        if labels is None:  # uniform over classes, from the same seed
            return tf.random.stateless_uniform(
                (n,), seed=(seed, 1), maxval=self.num_classes, dtype=tf.int32
            )
        return tf.constant(_indices(self._label_indices(labels), n, self.num_classes, "labels"),
                           tf.int32)

    def _label_indices(self, labels):
        """Class names (the folders the model was trained on) as their indices; ints as given."""
        labels = list(labels) if not isinstance(labels, (np.ndarray, tf.Tensor)) else labels
        if not any(isinstance(label, str) for label in labels):
            return labels
        names = self.class_names or ()
        unknown = [label for label in labels if isinstance(label, str) and label not in names]
        if unknown:
            known = ", ".join(names) if names else "none: this model's classes are numbered"
            raise ValueError(f"unknown class name '{unknown[0]}'; classes: {known}")
        return [names.index(label) if isinstance(label, str) else label for label in labels]


def slerp(a: np.ndarray, b: np.ndarray, t: float) -> np.ndarray:
    """Spherical interpolation from a to b: Gaussian noise lives near a sphere, and a straight
    line between two draws passes through the improbable middle (White 2016)."""
    cos = np.dot(a, b) / (np.linalg.norm(a) * np.linalg.norm(b))
    omega = np.arccos(np.clip(cos, -1.0, 1.0))
    if np.sin(omega) < 1e-6:
        return (1.0 - t) * a + t * b
    return (np.sin((1.0 - t) * omega) * a + np.sin(t * omega) * b) / np.sin(omega)


def _indices(values, n, count, name) -> np.ndarray:
    """`values` as n integers in [0, count), or a ValueError that says which rule failed."""
    values = np.asarray(values)
    if values.shape != (n,) or not np.issubdtype(values.dtype, np.integer):
        raise ValueError(f"{name} must be {n} integers (one per sample), got shape {values.shape}")
    if values.min() < 0 or values.max() >= count:
        raise ValueError(f"{name} must be in [0, {count}), got {values.min()}..{values.max()}")
    return values


def _positive_int(value, name):
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value <= 0:
        raise ValueError(f"{name} must be a positive integer, got {value!r}")
    return int(value)
