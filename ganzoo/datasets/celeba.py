"""CelebA faces through TFDS `celeb_a`, centre-cropped as in the DCGAN paper's code.

There is no embedded fallback: CelebA ships in no package, and a GAN trained
on anything else would not be a CelebA model. Without a prepared copy the
error says how to get one.
"""

import tensorflow as tf

from ganzoo.datasets import tfds_source
from ganzoo.datasets.base import DatasetInfo, ImageData

CROP = 140  # central square of the 218 x 178 aligned faces


def load(split: str, source: str) -> ImageData:
    b = tfds_source.required_builder(
        "celeb_a", source,
        "CelebA must be prepared by you: run `tfds build celeb_a` on a machine with network "
        "(or copy a prepared tensorflow_datasets/celeb_a folder and set TFDS_DATA_DIR).")
    tfds_split = {"train": "train", "test": "test", "validation": "validation"}[split]

    def make():
        ds = b.as_dataset(split=tfds_split, shuffle_files=False)

        def convert(example):
            image = tf.image.resize_with_crop_or_pad(example["image"], CROP, CROP)
            return tf.cast(image, tf.float32) / 127.5 - 1.0, tf.constant(0, tf.int32)

        return ds.map(convert, num_parallel_calls=tf.data.AUTOTUNE)

    count = b.info.splits[tfds_split].num_examples
    return ImageData("celeb_a", split, tfds_source.describe(b), (CROP, CROP, 3), count, None, make)


DATASETS = (DatasetInfo(
    "celeb_a", (CROP, CROP, 3), evaluator="image_files", load=load,
    your_copy="img_align_celeba.zip as downloaded, or its extracted folder of 202,599 JPEGs"),)
