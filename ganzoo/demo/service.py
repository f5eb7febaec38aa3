"""What the demo page does, apart from how it is drawn: loading entries once, checking every
input before any work, and making the pictures. Gradio is not imported here, so these run
and are tested without it.

Every picture is the bytes the CLI writes: `sample_png` is `ganzoo sample -o` for the same
name, count, seed, labels and truncation.
"""

import tempfile
import threading
from collections import OrderedDict
from dataclasses import dataclass
from pathlib import Path

import numpy as np

MAX_COUNT = 64  # samples per request: a 64-cell grid, a second or two on a CPU
MAX_SEED = 2**31 - 1
MAX_FRAMES = 48  # latent-walk frames from one seed to the next
MAX_WALK_SEEDS = 6
MAX_UPLOAD_BYTES = 10 * 2**20  # the page also tells Gradio (max_file_size)
MAX_UPLOAD_PIXELS = 40_000_000  # a decompression bomb is refused before it is decoded


class BadRequest(ValueError):
    """Input the page refuses; the message is shown to the person, as it is."""


@dataclass(frozen=True)
class Entry:
    name: str
    kind: str  # "images", "points" or "pairs" (translation)
    conditional: bool
    class_names: tuple[str, ...]
    dataset: str | None = None


class ModelCache:
    """Loaded models shared by every session, at most `capacity` of them, the least recently
    used dropped first. A model is loaded once even when several requests ask at once."""

    def __init__(self, capacity: int = 4, models_dir=None):
        self.capacity = capacity
        self.models_dir = models_dir
        self._models: OrderedDict[str, object] = OrderedDict()
        self._lock = threading.Lock()
        self._loading: dict[str, threading.Lock] = {}
        self.entries: dict[str, Entry] = {}  # `describe`'s answers: a card is read once

    def get(self, name: str):
        import ganzoo

        with self._lock:
            if name in self._models:
                self._models.move_to_end(name)
                return self._models[name]
            loading = self._loading.setdefault(name, threading.Lock())
        with loading:
            with self._lock:
                if name in self._models:
                    return self._models[name]
            model = ganzoo.load(name, models_dir=self.models_dir)
            with self._lock:
                self._models[name] = model
                while len(self._models) > self.capacity:
                    self._models.popitem(last=False)
            return model

    def __len__(self):
        return len(self._models)


def trained_entries(names=None, models_dir=None) -> list[str]:
    """The entries the page offers: `names` as given (checked), else every trained entry, the
    zoo's and yours (`zoo.trained`: nothing is fetched until a person picks one)."""
    from ganzoo import zoo

    if not names:
        return zoo.trained(models_dir)
    known = zoo.list_models() + zoo.list_models(user=True, models_dir=models_dir)
    unknown = [n for n in names if n not in known]
    if unknown:
        raise BadRequest(f"unknown entries: {', '.join(unknown)}; known: {', '.join(known)}")
    return list(dict.fromkeys(names))


def describe(name: str, cache: ModelCache) -> Entry:
    """What the page needs to know of an entry, read once per entry and kept in `cache`."""
    if name not in cache.entries:
        cache.entries[name] = _described(name, cache)
    return cache.entries[name]


def _described(name: str, cache: ModelCache) -> Entry:
    import ganzoo

    card = ganzoo.card(name, models_dir=cache.models_dir)
    classes = tuple((card.get("data") or {}).get("class_names") or ())
    conditional = False
    if card["kind"] != "pairs":
        model = cache.get(name)
        conditional = bool(model.conditional)
        classes = tuple(model.class_names or ()) or tuple(
            str(i) for i in range(model.num_classes or 0))
    return Entry(name, card["kind"], conditional, classes, card.get("dataset"))


def whole_number(value, name: str, low: int, high: int) -> int:
    """A count or seed from the page (a float from a slider or a number box), checked."""
    try:
        number = float(value)
    except (TypeError, ValueError):
        raise BadRequest(f"{name} must be a whole number, got {value!r}") from None
    if not np.isfinite(number) or number != int(number):
        raise BadRequest(f"{name} must be a whole number, got {value!r}")
    if not low <= number <= high:
        raise BadRequest(f"{name} must be between {low:,} and {high:,}, got {int(number):,}")
    return int(number)


def truncation_value(value) -> float | None:
    """psi in (0, 1]; 1 (or none) means no truncation."""
    if value in (None, ""):
        return None
    psi = float(value)
    if not 0.0 < psi <= 1.0:
        raise BadRequest(f"truncation must be in (0, 1], got {psi}")
    return None if psi == 1.0 else psi


def labels_for(entry: Entry, label, count: int):
    """One class for every sample (by name), or None: drawn from the seed, as the CLI does."""
    if not entry.conditional or label in (None, "", "any"):
        return None
    if label not in entry.class_names:
        raise BadRequest(f"{entry.name} has no class {label!r}; its classes: "
                         f"{', '.join(entry.class_names)}")
    index = entry.class_names.index(label)
    return [index] * count


def sample_picture(cache: ModelCache, name, count, seed, truncation=None, label=None):
    """(uint8 picture, the samples) for the page: a grid, or for 2D entries a scatter over
    the target mixture's means."""
    from ganzoo import imaging

    entry = describe(name, cache)
    if entry.kind == "pairs":
        raise BadRequest(f"{name} translates images: use the Translate tab")
    count = whole_number(count, "count", 1, MAX_COUNT if entry.kind == "images" else 5000)
    seed = whole_number(seed, "seed", 0, MAX_SEED)
    model = cache.get(name)
    samples = model.sample(count, labels=labels_for(entry, label, count), seed=seed,
                           truncation=truncation_value(truncation))
    if entry.kind == "points":
        return mixture_scatter(samples, name, cache), samples
    return imaging.preview(samples), samples


def mixture_scatter(points, name, cache: ModelCache):
    """The samples in blue with the target mixture's means in red (when the data is one of
    the zoo's mixtures)."""
    from ganzoo import imaging
    from ganzoo.datasets import mixtures

    dataset = describe(name, cache).dataset
    if dataset not in mixtures.MIXTURES:
        return imaging.scatter(points)
    means = np.asarray(mixtures.MIXTURES[dataset][0]())
    extent = max(1.0, float(np.max(np.abs(means))) * 1.3)
    picture = imaging.scatter(points, extent=extent).copy()
    size = picture.shape[0]
    for x, y in (means / extent * 0.5 + 0.5) * (size - 1):
        col, row = int(round(x)), int(round(size - 1 - y))
        picture[max(row - 2, 0):row + 3, max(col - 2, 0):col + 3] = (220, 30, 30)
    return picture


def walk_gif(cache: ModelCache, name, seeds_text, frames, truncation=None, label=None,
             fps: int = 12) -> Path:
    """A GIF of the latent walk through the seeds' noise (what `ganzoo interpolate` writes)."""
    from ganzoo import imaging

    entry = describe(name, cache)
    if entry.kind != "images":
        raise BadRequest(f"{name} does not draw images: a walk needs an image entry")
    parts = [p.strip() for p in str(seeds_text).split(",") if p.strip()]
    seeds = [whole_number(p, "seed", 0, MAX_SEED) for p in parts]
    if not 2 <= len(seeds) <= MAX_WALK_SEEDS:
        raise BadRequest(f"give 2 to {MAX_WALK_SEEDS} seeds separated by commas, got "
                         f"{len(seeds)}")
    frames = whole_number(frames, "frames", 2, MAX_FRAMES)
    model = cache.get(name)
    labels = labels_for(entry, label, 1)
    walked = model.walk(seeds, frames=frames, labels=labels,
                        truncation=truncation_value(truncation))
    pictures = [imaging.to_image(imaging.to_uint8(frame)) for frame in walked]
    path = Path(tempfile.mkdtemp(prefix="ganzoo-walk-")) / f"{name}-walk.gif"
    pictures[0].save(path, save_all=True, append_images=pictures[1:], loop=0,
                     duration=round(1000 / fps))
    return path


def decode_upload(path, image_shape) -> np.ndarray:
    """An uploaded PNG or JPEG of any size as the model's input in [-1, 1]: the central
    square at the entry's size, as `ganzoo translate` reads files."""
    from PIL import Image

    from ganzoo.datasets.base import to_unit_range
    from ganzoo.imagefiles import decode

    if path is None:
        raise BadRequest("upload an image (PNG or JPEG) first")
    path = Path(path)
    if path.stat().st_size > MAX_UPLOAD_BYTES:
        raise BadRequest(f"the upload is {path.stat().st_size / 2**20:.1f} MB; the limit is "
                         f"{MAX_UPLOAD_BYTES // 2**20} MB")
    data = path.read_bytes()
    try:
        with Image.open(path) as probe:
            pixels = probe.width * probe.height
    except Exception:  # noqa: BLE001 - Pillow raises many kinds; the reason goes to the page
        raise BadRequest("that file is not an image Pillow can read (PNG or JPEG)") from None
    if pixels > MAX_UPLOAD_PIXELS:
        raise BadRequest(f"the image has {pixels:,} pixels; the limit is "
                         f"{MAX_UPLOAD_PIXELS:,} (a decompression bomb is never decoded)")
    height, _, channels = image_shape
    try:
        arrays, _ = decode.decode(data, decode.Spec(size=height, channels=channels,
                                                    crop="center"))
    except decode.Unusable as err:
        raise BadRequest(f"that image cannot be used: {err}") from None
    return to_unit_range(arrays[0][None])


def translate_picture(cache: ModelCache, name, upload_path, direction="a2b"):
    """(input at the entry's size | its translation) side by side, as uint8."""
    from ganzoo import imaging

    entry = describe(name, cache)
    if entry.kind != "pairs":
        raise BadRequest(f"{name} does not translate images: use the Sample tab")
    model = cache.get(name)
    if direction not in model.directions:
        raise BadRequest(f"{name} translates {', '.join(model.directions)}, not {direction!r}")
    inputs = decode_upload(upload_path, model.image_shape)
    outputs = model.translate(inputs, direction=direction)
    return imaging.grid(np.concatenate([inputs, outputs]), columns=2)


def example_uploads(name: str, cache: ModelCache, count: int = 4) -> list[str]:
    """A few test-split images of a translation entry's data as PNG files, for the page's
    clickable examples; none when its data is not here."""
    import ganzoo
    from ganzoo import imaging

    try:
        pairs = ganzoo.datasets.load(describe(name, cache).dataset, "test")
    except Exception:  # noqa: BLE001 - a user's entry whose data is elsewhere: no examples
        return []
    folder = Path(tempfile.mkdtemp(prefix=f"ganzoo-{name}-examples-"))
    paths = []
    for i, image in enumerate(pairs.a[:count]):
        path = folder / f"{name}-test-{i}.png"
        imaging.save_png(imaging.to_uint8(image), path)
        paths.append(str(path))
    return paths


def card_markdown(name: str, cache: ModelCache) -> str:
    """The entry's model card as markdown, without its relative picture links (the page
    shows samples itself)."""
    import ganzoo

    card = ganzoo.card(name, models_dir=cache.models_dir)
    text = card.get("readme") or f"# {name}\n\n{card.get('description', '')}"
    return "\n".join(line for line in text.splitlines() if not line.startswith("!["))
