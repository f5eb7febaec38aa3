"""Any TFDS image data set by name: `dataset = "tfds:oxford_flowers102"`.

The data set must be prepared where TFDS looks ($TFDS_DATA_DIR or
~/tensorflow_datasets); it is downloaded only when the network answers
(`tfds_source`). Its first image feature is the picture and a `ClassLabel`
feature named "label", if any, gives the classes and their names. Images are
cropped to a square (`data.crop`) and resized to `data.image_size` in the
tf.data pipeline, streamed, never held in memory. Splits: `train` is TFDS's
train; `test` is its test split, else its validation split.
"""

import tensorflow as tf

from ganzoo.datasets import tfds_source
from ganzoo.datasets.base import ImageData

PREFIX = "tfds:"


def is_tfds_name(name: str) -> bool:
    return name.startswith(PREFIX) and len(name) > len(PREFIX)


def _builder(name: str, source: str):
    tfds_name = name[len(PREFIX):]
    return tfds_source.required_builder(
        tfds_name, source,
        f"Prepare it on a machine with network (`tfds build {tfds_name}`), copy the "
        f"tensorflow_datasets folder here and set TFDS_DATA_DIR.")


def _features(builder) -> tuple[str, str | None]:
    """(image feature key, ClassLabel key or None)."""
    import tensorflow_datasets as tfds

    features = builder.info.features
    images = [k for k, f in features.items() if isinstance(f, tfds.features.Image)]
    if not images:
        raise ValueError(f"TFDS {builder.name} has no image feature (features: "
                         f"{', '.join(features)})")
    label = features["label"] if "label" in features.keys() else None
    return images[0], "label" if isinstance(label, tfds.features.ClassLabel) else None


def spec(name: str, image_size: int, channels: int = 3) -> tuple[tuple[int, int, int], int | None]:
    """(shape, num_classes) from the builder's metadata, without reading any example."""
    if not image_size:
        raise ValueError(f"{name}: a TFDS data set by name needs data.image_size")
    builder = _builder(name, "auto")
    _, label = _features(builder)
    classes = builder.info.features[label].num_classes if label else None
    return (image_size, image_size, channels), classes


def load(name: str, split: str, source: str, image_size: int, crop: str = "center",
         channels: int = 3) -> ImageData:
    builder = _builder(name, source)
    image_key, label_key = _features(builder)
    splits = builder.info.splits
    tfds_split = split if split in splits else ("validation" if split == "test" and
                                                "validation" in splits else None)
    if tfds_split is None:
        raise ValueError(f"TFDS {builder.name} has no '{split}' split (has: {', '.join(splits)})")
    (shape, num_classes) = spec(name, image_size, channels)

    def convert(example):
        image = example[image_key]
        if crop != "none":
            side = tf.minimum(tf.shape(image)[0], tf.shape(image)[1])
            image = tf.image.resize_with_crop_or_pad(image, side, side)
        image = tf.image.resize(tf.cast(image, tf.float32), (image_size, image_size),
                                method="area", antialias=True)
        if image.shape[-1] != channels:
            image = (tf.image.grayscale_to_rgb(image) if channels == 3 else
                     tf.image.rgb_to_grayscale(image))
        label = tf.cast(example[label_key], tf.int32) if label_key else tf.constant(0, tf.int32)
        return tf.ensure_shape(image / 127.5 - 1.0, shape), label

    def make():
        return builder.as_dataset(split=tfds_split, shuffle_files=False).map(
            convert, num_parallel_calls=tf.data.AUTOTUNE)

    names = tuple(builder.info.features[label_key].names) if label_key else None
    return ImageData(name, split, tfds_source.describe(builder), shape,
                     splits[tfds_split].num_examples, num_classes, make, class_names=names)
