"""`ganzoo publish NAME --space DIR`: a Hugging Face Space folder that runs the demo page for
one entry, with the entry's trained version inside it, so the Space needs no fetch to start.

    DIR/app.py            serves `ganzoo.demo.app` for NAME on 0.0.0.0:7860 (the Space's port)
    DIR/requirements.txt  ganzoo[demo] at this version
    DIR/README.md         the Space's metadata (sdk: gradio, app_file) and what it shows
    DIR/models/NAME/V/    the version's files, checked by their SHA-256 sums when loaded
"""

import shutil
from pathlib import Path

APP = '''"""A Hugging Face Space for ganzoo's {name} (`ganzoo publish {name} --space`)."""
import os
from pathlib import Path

os.environ.setdefault("GANZOO_MODELS_DIR", str(Path(__file__).parent / "models"))

from ganzoo.demo import app  # noqa: E402

# A Space serves its app on 0.0.0.0:7860; run locally, this binds the same address.
app.launch(["{name}"], host="0.0.0.0", port=7860)
'''

README = '''---
title: ganzoo {name}
emoji: 🎨
colorFrom: blue
colorTo: green
sdk: gradio
sdk_version: {gradio_version}
app_file: app.py
pinned: false
---

# ganzoo: {name} (version {version})

{description}

The page samples, walks and translates with the trained version in `models/`, the same code as
`ganzoo demo {name}` on your own machine. Its model card is on the page's Card tab.
'''


def write_space(name: str, dest: Path, version: int | None = None, models_dir=None) -> Path:
    import ganzoo
    from ganzoo import zoo

    dest = Path(dest).expanduser()
    if dest.exists() and any(dest.iterdir()):
        raise FileExistsError(f"{dest} is not empty; publish writes into a new or empty folder")
    entry_dir, chosen = zoo.locate(name, version, models_dir)
    card = ganzoo.card(name, chosen, models_dir)
    try:
        from importlib.metadata import version as installed
        gradio_version = installed("gradio")
    except Exception:  # noqa: BLE001 - not installed here: the extra's floor
        gradio_version = "6.0.0"
    dest.mkdir(parents=True, exist_ok=True)
    shutil.copytree(entry_dir / str(chosen), dest / "models" / name / str(chosen))
    (dest / "app.py").write_text(APP.format(name=name))
    (dest / "requirements.txt").write_text(f"ganzoo[demo]=={ganzoo.__version__}\n")
    (dest / "README.md").write_text(README.format(
        name=name, version=chosen, gradio_version=gradio_version,
        description=card.get("description", "")))
    return dest
