"""The demo page: a Gradio Blocks app over `ganzoo.demo.service`.

Private by default: it binds 127.0.0.1, makes no share link, turns Gradio's analytics off,
and its theme uses the system's fonts, so the page asks nothing of any host but its own.
Work is queued: at most `concurrency` jobs run at once (the CPU's cores), the rest wait
their turn with a place in the queue shown, and a full queue refuses at once.
"""

import functools
import os
import tempfile
from pathlib import Path

from ganzoo.demo import service

# small images scaled up on the page stay crisp pixels (the PNG offered is the real size)
CSS = "img { image-rendering: pixelated; }"
INSTALL_HINT = "needs Gradio: pip install 'ganzoo[demo]'"


def import_gradio():
    """Gradio, with its analytics off before it is imported; ImportError names the extra."""
    os.environ["GRADIO_ANALYTICS_ENABLED"] = "False"
    os.environ.setdefault("HF_HUB_DISABLE_TELEMETRY", "1")
    try:
        import gradio
    except ImportError as err:
        raise ImportError(INSTALL_HINT) from err
    return gradio


def _shown_to_the_person(gr, handler):
    """Bad input as a message in the page, never a traceback; the server goes on serving."""
    @functools.wraps(handler)
    def guarded(*args, **kwargs):
        try:
            return handler(*args, **kwargs)
        except gr.Error:
            raise
        except service.BadRequest as err:
            raise gr.Error(str(err), print_exception=False) from None
        except (ValueError, KeyError, FileNotFoundError) as err:
            message = err.args[0] if isinstance(err, KeyError) and err.args else str(err)
            raise gr.Error(" ".join(str(message).split()), print_exception=False) from None
        except Exception as err:  # noqa: BLE001 - the page says what failed, in one line
            raise gr.Error(f"{type(err).__name__}: {' '.join(str(err).split())[:300]}",
                           print_exception=False) from None
    return guarded


def _png(picture, prefix: str) -> str:
    """The picture as a PNG file the page shows and offers for download: the bytes `ganzoo
    sample -o` writes for the same request."""
    from ganzoo import imaging

    path = Path(tempfile.mkdtemp(prefix=f"ganzoo-{prefix}-")) / f"{prefix}.png"
    imaging.save_png(picture, path)
    return str(path)


def build(entries: list[str], cache: service.ModelCache):
    """The Blocks page for `entries` (every kind they contain)."""
    gr = import_gradio()
    from ganzoo import zoo

    kinds = {name: zoo.kind(name, cache.models_dir) for name in entries}
    drawing = [n for n in entries if kinds[n] in ("images", "points")]
    images = [n for n in entries if kinds[n] == "images"]
    translating = [n for n in entries if kinds[n] == "pairs"]
    guard = functools.partial(_shown_to_the_person, gr)

    def classes_of(name):
        entry = service.describe(name, cache) if name else None
        choices = ["any", *entry.class_names] if entry and entry.conditional else ["any"]
        return gr.update(choices=choices, value="any", interactive=len(choices) > 1)

    @guard
    def sample(name, count, seed, truncation, label, progress=gr.Progress()):  # noqa: B008 - how Gradio injects it
        progress(0.1, desc=f"loading {name}")
        cache.get(name)
        progress(0.4, desc="sampling")
        picture, _ = service.sample_picture(cache, name, count, seed, truncation, label)
        path = _png(picture, f"{name}-seed{int(seed)}")
        return path, path

    @guard
    def walk(name, seeds, frames, truncation, label, progress=gr.Progress()):  # noqa: B008 - how Gradio injects it
        progress(0.1, desc=f"loading {name}")
        cache.get(name)
        progress(0.4, desc="walking")
        return str(service.walk_gif(cache, name, seeds, frames, truncation, label))

    @guard
    def translate(name, upload, direction, progress=gr.Progress()):  # noqa: B008 - how Gradio injects it
        progress(0.2, desc=f"loading {name}")
        cache.get(name)
        return _png(service.translate_picture(cache, name, upload, direction), f"{name}-out")

    @guard
    def card(name):
        return service.card_markdown(name, cache)

    with gr.Blocks(title="ganzoo", analytics_enabled=False) as page:
        gr.Markdown("# ganzoo\nA zoo of GANs on TensorFlow + Keras 3. Pick an entry; the same "
                    "seed gives the same images as `ganzoo sample` and the SavedModel.")
        with gr.Tabs():
            if drawing:
                with gr.Tab("Sample", id="sample"):
                    with gr.Row():
                        with gr.Column(scale=1):
                            name = gr.Dropdown(drawing, value=drawing[0], label="entry",
                                               elem_id="sample-entry")
                            count = gr.Slider(1, service.MAX_COUNT, value=16, step=1,
                                              label="count", elem_id="sample-count")
                            seed = gr.Number(0, precision=0, label="seed",
                                             elem_id="sample-seed")
                            psi = gr.Slider(0.05, 1.0, value=1.0, step=0.05,
                                            label="truncation (1 = none)")
                            label = gr.Dropdown(["any"], value="any", label="class",
                                                interactive=False)
                            button = gr.Button("Sample", variant="primary",
                                               elem_id="sample-button")
                        with gr.Column(scale=2):
                            picture = gr.Image(type="filepath", format="png", label="samples",
                                               elem_id="sample-image", interactive=False,
                                               height=440)
                            download = gr.File(label="PNG", elem_id="sample-file")
                    name.change(classes_of, name, label)
                    page.load(classes_of, name, label)
                    button.click(sample, [name, count, seed, psi, label], [picture, download],
                                 api_name="sample")
            if images:
                with gr.Tab("Walk", id="walk"):
                    with gr.Row():
                        with gr.Column(scale=1):
                            walk_name = gr.Dropdown(images, value=images[0], label="entry")
                            seeds = gr.Textbox("0, 1, 2", label="seeds (2 to "
                                               f"{service.MAX_WALK_SEEDS}, comma-separated)")
                            frames = gr.Slider(2, service.MAX_FRAMES, value=16, step=1,
                                               label="frames from seed to seed")
                            walk_psi = gr.Slider(0.05, 1.0, value=1.0, step=0.05,
                                                 label="truncation (1 = none)")
                            walk_label = gr.Dropdown(["any"], value="any", label="class",
                                                     interactive=False)
                            walk_button = gr.Button("Walk", variant="primary")
                        with gr.Column(scale=2):
                            gif = gr.Image(type="filepath", label="walk (GIF)",
                                           interactive=False, height=440)
                    walk_name.change(classes_of, walk_name, walk_label)
                    walk_button.click(walk, [walk_name, seeds, frames, walk_psi, walk_label],
                                      gif, api_name="walk")
            if translating:
                with gr.Tab("Translate", id="translate"):
                    with gr.Row():
                        with gr.Column(scale=1):
                            t_name = gr.Dropdown(translating, value=translating[0],
                                                 label="entry", elem_id="translate-entry")
                            # a file, not gr.Image: what is not an image reaches the
                            # handler, which says so, instead of failing in the component
                            upload = gr.File(type="filepath", label="your image (PNG or JPEG)",
                                             file_types=["image"], elem_id="translate-upload")
                            direction = gr.Radio(["a2b", "b2a"], value="a2b",
                                                 label="direction (CycleGAN: both)")
                            t_button = gr.Button("Translate", variant="primary",
                                                 elem_id="translate-button")
                        with gr.Column(scale=2):
                            translated = gr.Image(type="filepath", format="png",
                                                  label="input | output", interactive=False,
                                                  elem_id="translate-image", height=440)
                    examples = service.example_uploads(translating[0], cache)
                    if examples:
                        gr.Examples([[p] for p in examples], [upload],
                                    label="test-split emoji (click one)")
                    t_button.click(translate, [t_name, upload, direction], translated,
                                   api_name="translate")
            with gr.Tab("Card", id="card"):
                c_name = gr.Dropdown(entries, value=entries[0] if entries else None,
                                     label="entry")
                c_text = gr.Markdown()
                c_name.change(card, c_name, c_text, api_name="card")
                page.load(card, c_name, c_text)
    return page


def theme(gr):
    """Gradio's default look with the system's fonts: the default theme loads its fonts from
    Google's servers, and this page talks to no host but its own."""
    return gr.themes.Default(font=["system-ui", "sans-serif"],
                             font_mono=["ui-monospace", "monospace"])


def launch(entries=None, *, host="127.0.0.1", port=None, models_dir=None, cache_size=4,
           concurrency=2, queue_size=64, block=True):
    """Serve the page; returns the Blocks app (running in a thread when `block` is False)."""
    gr = import_gradio()
    cache = service.ModelCache(cache_size, models_dir)
    names = service.trained_entries(entries, models_dir)
    if not names:
        raise service.BadRequest("no trained entries to show: train one "
                                 "(python -m ganzoo.train --name cgan_mnist)")
    page = build(names, cache)
    page.queue(default_concurrency_limit=concurrency, max_size=queue_size)
    page.launch(server_name=host, server_port=port, share=False, inbrowser=False,
                show_error=False, max_file_size=service.MAX_UPLOAD_BYTES,
                prevent_thread_lock=not block, theme=theme(gr), quiet=not block, css=CSS)
    return page
