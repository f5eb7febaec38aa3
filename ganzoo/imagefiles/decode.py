"""One image file -> uint8 pixels at training size, with a note of every conversion.

Pillow does the work: decoding (JPEG, PNG, WebP, BMP, GIF, TIFF), JPEG's
reduced-size decoding (`draft`, the DCT scaling of libjpeg, several times faster
than decoding at full size when the image will be shrunk), EXIF orientation
(`ImageOps.exif_transpose`), mode conversion and Lanczos resampling. Written here
are only the policies: which crop, which background under transparency, what
counts as too small, and the 16-bit scaling Pillow's `convert` lacks (it clips
16-bit grey to 8 bits instead of scaling it).

This module imports neither TensorFlow nor the rest of ganzoo, so worker
processes start in a fraction of a second.
"""

import contextlib
import io
import math
import warnings
from dataclasses import dataclass

import numpy as np
from PIL import Image, ImageOps, UnidentifiedImageError

FORMATS = ("JPEG", "PNG", "WEBP", "BMP", "GIF", "TIFF", "MPO")  # MPO: multi-picture JPEG
CROPS = ("center", "celeba", "none")
# CelebA's aligned faces are 178 x 218; the "celeba" crop is their central 140 x 140
# square (the crop of the zoo's TFDS celeb_a path, so both sources give the same faces),
# and the same share of the width on images of other sizes.
CELEBA_SHARE = 140 / 178
BACKGROUNDS = {"white": (255, 255, 255), "black": (0, 0, 0)}

# Conversion notes, counted in the summary and the manifest.
GRAYSCALE = "grayscale converted to RGB"
TO_GRAY = "colour converted to grayscale"
PALETTE = "palette image converted"
TRANSPARENCY = "transparency composited on the background"
CMYK = "CMYK converted to RGB"
SIXTEEN_BIT = "16-bit scaled to 8-bit"
EXIF = "EXIF orientation applied"
ANIMATED = "animated: first frame used"
CROPPED = "non-square: cropped"
STRETCHED = "non-square: resized to a square without cropping (--crop none)"
UPSCALED = "smaller than the training size: upscaled"
# Pillow's warnings, counted as notes instead of printed with their source line mid-progress-bar.
VERY_LARGE = "very large image decoded (Pillow's decompression-bomb warning)"
PALETTE_BYTES = "palette transparency converted (Pillow: transparency expressed in bytes)"


@dataclass(frozen=True)
class Spec:
    """How every image of a set is brought to training size."""

    size: int
    channels: int = 3  # 1 (grayscale) or 3 (RGB)
    crop: str = "center"
    min_size: int = 0  # refuse images whose cropped square is smaller than this (0: upscale)
    background: str = "white"
    split_ab: bool = False  # side-by-side A|B pairs (pix2pix's files): returns both halves


class Unusable(Exception):
    """This file cannot become a training image; the message is the reason."""


class TooSmall(Unusable):
    """Readable, but smaller than --min_size: refused by choice, not broken."""


def decode(data: bytes, spec: Spec) -> tuple[list[np.ndarray], list[str]]:
    """([H x W x C uint8] (two for a split A|B image), conversion notes) of one file."""
    notes = []
    with pillow_warnings_as_notes(notes):
        arrays, conversions = _decode(data, spec)
    return arrays, sorted(set(notes + conversions))


@contextlib.contextmanager
def pillow_warnings_as_notes(notes: list[str]):
    """Collect the warnings Pillow emits inside the block into `notes`: a known one as its
    note, any other as "Pillow warned: ...". Workers decode one file at a time, so
    catch_warnings' process-wide state is theirs alone."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        yield
    for warning in caught:
        text = str(warning.message)
        if issubclass(warning.category, Image.DecompressionBombWarning):
            notes.append(VERY_LARGE)
        elif "Transparency expressed in bytes" in text:
            notes.append(PALETTE_BYTES)
        else:
            notes.append(f"Pillow warned: {text.splitlines()[0][:120]}")


def _decode(data: bytes, spec: Spec) -> tuple[list[np.ndarray], list[str]]:
    try:
        image = Image.open(io.BytesIO(data))
        if image.format not in FORMATS:
            raise Unusable(f"format {image.format} is not one of JPEG, PNG, WebP, BMP, GIF, TIFF")
        notes = []
        if getattr(image, "n_frames", 1) > 1:
            notes.append(ANIMATED)  # Image.open stands on the first frame
        halves = _split(image) if spec.split_ab else [image]
        arrays = []
        for part in halves:
            arrays.append(_to_training_size(part, spec, notes))
        return arrays, sorted(set(notes))
    except Unusable:
        raise
    except Image.DecompressionBombError as err:
        raise Unusable(f"too large to decode safely ({err})") from None
    except UnidentifiedImageError:
        raise Unusable("not a readable image (corrupt, or not the format its name says)") from None
    except (OSError, SyntaxError, ValueError, EOFError) as err:
        raise Unusable(f"corrupt or truncated ({err})") from None


def _split(image):
    if image.width < 2:
        raise Unusable("too narrow to be a side-by-side A|B pair")
    half = image.width // 2
    image.load()
    return [image.crop((0, 0, half, image.height)), image.crop((half, 0, 2 * half, image.height))]


def _to_training_size(image, spec: Spec, notes: list[str]) -> np.ndarray:
    orientation = image.getexif().get(0x0112, 1)
    width, height = image.size if orientation in (1, 2, 3, 4) else image.size[::-1]
    left, top, right, bottom = crop_box(width, height, spec.crop)
    side = min(right - left, bottom - top)
    if width != height:
        notes.append(CROPPED if spec.crop != "none" else STRETCHED)
    if side < spec.size:
        if spec.min_size and side < spec.min_size:
            raise TooSmall(f"{side} px after cropping, below --min_size {spec.min_size}")
        notes.append(UPSCALED)
    elif image.format == "JPEG":
        # Decode at the smallest DCT scale (1/2, 1/4, 1/8) that still covers the crop at
        # training size; the crop box is a share of the image, so it scales with it.
        scale = spec.size / side
        image.draft(image.mode, (math.ceil(image.width * scale), math.ceil(image.height * scale)))
    if orientation != 1:
        image = ImageOps.exif_transpose(image)
        notes.append(EXIF)
    image = _to_mode(image, spec, notes)
    box = crop_box(image.width, image.height, spec.crop)
    array = np.asarray(image.resize((spec.size, spec.size), Image.Resampling.LANCZOS, box=box),
                       np.uint8)
    return array[..., None] if array.ndim == 2 else array


def crop_box(width: int, height: int, crop: str) -> tuple[int, int, int, int]:
    """(left, top, right, bottom) of the region that becomes the training image."""
    if crop == "none":
        return (0, 0, width, height)
    if crop == "celeba":
        side = min(round(width * CELEBA_SHARE), height)
    elif crop == "center":
        side = min(width, height)
    else:
        raise ValueError(f"crop must be one of {', '.join(CROPS)}, not '{crop}'")
    left, top = (width - side) // 2, (height - side) // 2
    return (left, top, left + side, top + side)


def _to_mode(image, spec: Spec, notes: list[str]):
    """`image` as "L" or "RGB", each conversion noted."""
    mode = image.mode
    if mode in ("I;16", "I;16L", "I;16B", "I;16N", "I"):
        notes.append(SIXTEEN_BIT)
        pixels = np.asarray(image, np.uint32 if mode == "I" else np.uint16)
        image = Image.fromarray((pixels >> 8).clip(0, 255).astype(np.uint8), "L")
    elif mode == "F":
        notes.append(SIXTEEN_BIT)
        pixels = np.asarray(image, np.float32)
        image = Image.fromarray(pixels.clip(0, 255).astype(np.uint8), "L")
    elif mode == "P":
        notes.append(PALETTE)
        image = image.convert("RGBA" if "transparency" in image.info else "RGB")
    elif mode == "CMYK":
        notes.append(CMYK)
        image = image.convert("RGB")
    elif mode == "1":
        image = image.convert("L")
    elif mode not in ("L", "LA", "RGB", "RGBA", "PA", "La", "RGBa"):
        image = image.convert("RGBA" if "A" in mode else "RGB")
    if image.mode in ("LA", "PA", "La", "RGBA", "RGBa") or (
            image.mode in ("L", "RGB") and "transparency" in image.info):
        rgba = image.convert("RGBA")
        if rgba.getchannel("A").getextrema()[0] < 255:
            notes.append(TRANSPARENCY)
        canvas = Image.new("RGBA", rgba.size, BACKGROUNDS[spec.background] + (255,))
        canvas.alpha_composite(rgba)
        image = canvas.convert("RGB" if image.mode[0] != "L" else "L")
    if spec.channels == 3 and image.mode == "L":
        notes.append(GRAYSCALE)
        image = image.convert("RGB")
    elif spec.channels == 1 and image.mode == "RGB":
        notes.append(TO_GRAY)
        image = image.convert("L")
    return image
