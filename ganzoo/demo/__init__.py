"""`ganzoo demo`: a page on 127.0.0.1 to try every trained entry (docs/demo.md).

- `service`: what the page does, without Gradio: the bounded model cache, the checked inputs
  and the pictures, each built from ganzoo's public surface (`load`, `list_models`, `card`,
  `sample`, `walk`, `translate`), so a new family appears on the page with no edit here.
- `app`: the Gradio Blocks page over `service`, and its launch (local, no share link, no
  analytics, fonts from the page's own host).
- `space`: `ganzoo publish NAME --space DIR`, a Hugging Face Space folder running the same app.
"""
