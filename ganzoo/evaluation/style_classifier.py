"""The zoo's emoji style judge: Twemoji (0) or OpenMoji (1)?

A translation to OpenMoji should look like OpenMoji, which L1 against the true
image does not measure (a blurry average can have a low L1). This small CNN,
trained on the `train` split of both styles with small shifts and flips and
scored on the 138 held-out `test` code points of both styles, gives the share
of translated images it reads as the target style.

    python -m ganzoo.evaluation.style_classifier    # trains, scores, saves
"""

import json
from pathlib import Path

import keras
import numpy as np
from keras import layers

from ganzoo.evaluation import evaluators

NAME = "emoji_style_classifier"
COMMAND = "python -m ganzoo.evaluation.style_classifier"
STYLES = ("twemoji", "openmoji")  # class index = domain: A = 0, B = 1


def build(image_shape=(64, 64, 3)) -> keras.Model:
    inputs = keras.Input(image_shape, name="images")  # in [-1, 1]
    x = layers.RandomTranslation(0.08, 0.08, fill_mode="constant", fill_value=1.0)(inputs)
    x = layers.RandomFlip("horizontal")(x)
    for width in (16, 32, 64):
        x = layers.Conv2D(width, 3, padding="same", activation="relu")(x)
        x = layers.MaxPooling2D()(x)
    x = layers.GlobalAveragePooling2D()(x)
    x = layers.Dropout(0.3)(x)
    logits = layers.Dense(len(STYLES), name="logits")(x)
    return keras.Model(inputs, logits, name=NAME)


def _both_styles(pairs) -> tuple[np.ndarray, np.ndarray]:
    images = np.concatenate([pairs.a, pairs.b])
    labels = np.concatenate([np.zeros(len(pairs.a)), np.ones(len(pairs.b))]).astype(np.int32)
    return images, labels


def train(out_path: Path | None = None, epochs: int = 12, seed: int = 0) -> dict:
    from ganzoo import datasets

    keras.utils.set_random_seed(seed)
    x_train, y_train = _both_styles(datasets.load("emoji", "train"))
    test = datasets.load("emoji", "test")
    x_test, y_test = _both_styles(test)
    model = build(x_train.shape[1:])
    model.compile(optimizer=keras.optimizers.Adam(1e-3),
                  loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True),
                  metrics=["accuracy"])
    model.fit(x_train, y_train, batch_size=64, epochs=epochs, shuffle=True, verbose=2)
    return evaluators.score_and_save(
        model, predict(model, x_test), y_test, train_examples=len(y_train),
        data=f"{test.source}; test = code points divisible by 10, never trained on",
        name=NAME, command=COMMAND, out_path=out_path)


def load(path: Path | None = None) -> keras.Model:
    return evaluators.load(NAME, COMMAND, path)


def predict(model: keras.Model, images: np.ndarray) -> np.ndarray:
    """0 (Twemoji) or 1 (OpenMoji) for each image in [-1, 1]."""
    return np.argmax(model.predict(images, batch_size=256, verbose=0), axis=-1)


def target_style(direction: str) -> str:
    """The style a translation direction draws: "a2b" ends in OpenMoji (B), "b2a" in Twemoji (A)."""
    return STYLES[direction == "a2b"]


def style_share(model: keras.Model, images: np.ndarray, style: str) -> float:
    """Share of `images` the judge reads as `style`."""
    return float(np.mean(predict(model, images) == STYLES.index(style)))


if __name__ == "__main__":
    print(json.dumps(train(), indent=2))
