"""Turning generator output into pictures people can look at."""

import io
import math

import numpy as np
from PIL import Image

SCATTER_POINTS = 2500  # 2D samples per preview: PacGAN's evaluation count


def preview_samples(model, count: int, seed: int, labels=None) -> np.ndarray:
    """Samples for a picture of `model`: `count` images, or SCATTER_POINTS 2D points."""
    if len(model.image_shape) == 1:
        return model.sample(SCATTER_POINTS, seed=seed)
    return model.sample(count, labels=labels, seed=seed)


def to_uint8(images: np.ndarray) -> np.ndarray:
    """[-1, 1] floats -> [0, 255] uint8, same shape."""
    return np.clip(np.rint((np.asarray(images) + 1.0) * 127.5), 0, 255).astype(np.uint8)


def grid(images: np.ndarray, columns: int | None = None, pad: int = 2) -> np.ndarray:
    """Tile (N, H, W, C) images in [-1, 1] into one uint8 (rows*H, cols*W, C) picture."""
    images = to_uint8(images)
    n, h, w, c = images.shape
    columns = columns or math.ceil(math.sqrt(n))
    rows = math.ceil(n / columns)
    canvas = np.full((rows * (h + pad) + pad, columns * (w + pad) + pad, c), 255, np.uint8)
    for i, image in enumerate(images):
        r, col = divmod(i, columns)
        y, x = pad + r * (h + pad), pad + col * (w + pad)
        canvas[y:y + h, x:x + w] = image
    return canvas


def to_image(picture: np.ndarray) -> Image.Image:
    """A uint8 (H, W, C) picture as a Pillow image ("L" for one channel)."""
    return Image.fromarray(picture.squeeze(-1) if picture.shape[-1] == 1 else picture)


def save_png(picture: np.ndarray, path) -> None:
    to_image(picture).save(path)


def load_png(path) -> np.ndarray:
    """A PNG file as a uint8 array (H, W) or (H, W, C), as save_png wrote it."""
    return np.asarray(Image.open(path))


def png_bytes(picture: np.ndarray) -> bytes:
    buffer = io.BytesIO()
    to_image(picture).save(buffer, "PNG")
    return buffer.getvalue()


def scatter(points: np.ndarray, size: int = 300, extent: float | None = None) -> np.ndarray:
    """A uint8 RGB picture of 2D points on a square canvas centred on the origin, with axes."""
    from PIL import ImageDraw

    points = np.asarray(points, np.float64)
    finite = points[np.all(np.isfinite(points), axis=1)]
    extent = extent or max(1.0, float(np.max(np.abs(finite))) * 1.1 if len(finite) else 1.0)
    image = Image.new("RGB", (size, size), "white")
    draw = ImageDraw.Draw(image)
    middle = size // 2
    draw.line([(0, middle), (size, middle)], fill=(210, 210, 210))
    draw.line([(middle, 0), (middle, size)], fill=(210, 210, 210))
    pixels = (finite / extent * 0.5 + 0.5) * (size - 1)
    for x, y in pixels:
        draw.point((x, size - 1 - y), fill=(20, 60, 200))
    return np.asarray(image)


def preview(samples: np.ndarray, columns: int | None = None) -> np.ndarray:
    """The picture for a batch of samples: a grid of images, or a scatter of 2D points."""
    samples = np.asarray(samples)
    if samples.ndim == 2:
        return scatter(samples)
    return grid(samples, columns=columns)


def translation_preview(model, pairs, count: int = 8) -> np.ndarray:
    """Strips of `count` held-out examples per direction: input / output / true target.

    For A -> B the rows are a, G(a), b; CycleGAN adds b, F(b), a below.
    """
    rows = []
    for direction in model.directions:
        inputs, targets = pairs.oriented(direction)
        inputs, targets = inputs[:count], targets[:count]
        rows += [inputs, model.translate(inputs, direction), targets]
    return grid(np.concatenate(rows), columns=min(count, len(rows[0])))
