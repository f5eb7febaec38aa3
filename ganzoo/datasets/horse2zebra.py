"""horse2zebra (Zhu et al. 2017) through TFDS `cycle_gan/horse2zebra`: unpaired domains.

A = horses, B = zebras, 256x256. No embedded copy exists in any package, so
without a prepared TFDS copy the error says how to make one. Both domains are
held in memory (about 2,400 images in `train`), so batches can be drawn by
index like every in-memory source.
"""

import numpy as np

from ganzoo.datasets import tfds_source
from ganzoo.datasets.base import DatasetInfo, ImagePairs

SIZE = 256
_SPLITS = {"train": ("trainA", "trainB"), "test": ("testA", "testB")}


def load(split: str, source: str) -> ImagePairs:
    if split not in _SPLITS:
        raise ValueError(f"horse2zebra has splits {tuple(_SPLITS)}, not '{split}'")
    b = tfds_source.required_builder(
        "cycle_gan/horse2zebra", source,
        "Prepare it on a machine with network: `tfds build cycle_gan/horse2zebra`, then copy "
        "the tensorflow_datasets folder here and set TFDS_DATA_DIR.")
    domain_a, domain_b = (_read(b, name) for name in _SPLITS[split])
    return ImagePairs(name="horse2zebra", split=split, source=tfds_source.describe(b),
                      image_shape=(SIZE, SIZE, 3), a=domain_a, b=domain_b, paired=False)


def _read(builder, tfds_split: str) -> np.ndarray:
    ds = builder.as_dataset(split=tfds_split, as_supervised=True, shuffle_files=False)
    images = [image for image, _ in ds.as_numpy_iterator()]
    return (np.stack(images).astype(np.float32) / 127.5 - 1.0).astype(np.float32)


DATASETS = (DatasetInfo(
    "horse2zebra", (SIZE, SIZE, 3), kind="pairs", evaluator="translation", load=load,
    your_copy="horse2zebra.zip, or a folder with trainA/ trainB/ [testA/ testB/]"),)
