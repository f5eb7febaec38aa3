"""The `ganzoo` command: what people do with a trained GAN, and the zoo's own tools.

    ganzoo list
    ganzoo info dcgan_mnist
    ganzoo sample dcgan_mnist -n 16 --seed 0 -o grid.png
    ganzoo interpolate cgan_mnist --seeds 1,2,3 --frames 16 -o walk.gif
    ganzoo translate pix2pix_emoji a.png b.png -o out/
    ganzoo download dcgan_mnist [--dest MIRROR]
    ganzoo cache [--remove]                 re-hash the cache; remove what is stale or corrupt
    ganzoo publish dcgan_mnist --dest hub/dcgan_mnist   (or --space DIR: a Hugging Face Space)
    ganzoo demo [ENTRY ...]                 a page on 127.0.0.1 (pip install 'ganzoo[demo]')
    ganzoo train --name cgan_mnist          (and evaluate, export, prepare, bench)

`python -m ganzoo` is the same command. train, evaluate, export, prepare and bench are the
`python -m ganzoo.<tool>` programs with the same flags, run as they are. A bad name, seed,
label or file is one line on standard error and exit status 2, not a traceback.
"""

import argparse
import json
import os
import runpy
import sys
from pathlib import Path

from ganzoo import quiet
from ganzoo.imagefiles import decode

TOOLS = {  # subcommand -> (module run as a program, what it does)
    "train": ("ganzoo.train", "train an entry (resumes if interrupted)",
              "ganzoo train --name cgan_mnist"),
    "evaluate": ("ganzoo.evaluate", "measure an entry's checks and write them into its card",
                 "ganzoo evaluate --name dcgan_mnist"),
    "export": ("ganzoo.export", "export a trained version again",
               "ganzoo export --name dcgan_mnist --models_dir ~/my_zoo"),
    "prepare": ("ganzoo.prepare", "check and prepare a folder or archive of images",
                "ganzoo prepare ~/photos --out ~/data/photos64 --size 64"),
    "bench": ("ganzoo.bench", "measure speed on this machine", "ganzoo bench --quick"),
}


HELP_FLAGS = {"-h", "--help", "--helpshort", "--helpfull"}


class UsageError(Exception):
    """Bad input from the command line: printed as one line, exit status 2."""


class _Parser(argparse.ArgumentParser):
    def error(self, message):
        raise UsageError(f"{self.prog}: {message}")


def _seed(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        value = -1
    if value < 0:
        raise argparse.ArgumentTypeError(f"expected an integer >= 0, got '{text}'")
    return value


def _positive(text: str) -> int:
    if _seed(text) < 1:
        raise argparse.ArgumentTypeError(f"expected an integer >= 1, got '{text}'")
    return int(text)


def _seeds(text: str) -> list[int]:
    return [_seed(part.strip()) for part in text.split(",")]


def _labels(text: str) -> list:
    """`3,7` as class indices, `cat,dog` as class names (a model trained on class folders)."""
    return [int(p) if p.strip().isdigit() else p.strip() for p in text.split(",") if p.strip()]


def _truncation(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        value = -1.0
    if not 0.0 < value <= 1.0:
        raise argparse.ArgumentTypeError(f"expected a number in (0, 1], got '{text}'")
    return value


def parser() -> argparse.ArgumentParser:
    top = _Parser(prog="ganzoo", description="A zoo of GANs on TensorFlow + Keras 3.",
                  formatter_class=argparse.RawDescriptionHelpFormatter,
                  epilog="examples:\n  ganzoo list\n  ganzoo sample dcgan_mnist -n 16 --seed 0 "
                         "-o grid.png\n  ganzoo train --name cgan_mnist\n\n"
                         "`ganzoo COMMAND --help` shows a command's options.")
    top.add_argument("--verbose", action="store_true",
                     help="show TensorFlow's start-up lines too (or set GANZOO_VERBOSE=1)")
    commands = top.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)

    def command(name, help_text, example):
        sub = commands.add_parser(name, help=help_text, description=help_text,
                                  epilog=f"example:\n  {example}",
                                  formatter_class=argparse.RawDescriptionHelpFormatter)
        return sub

    command("list", "the zoo's entries and yours, with what is trained", "ganzoo list")
    info = command("info", "an entry's card: data, training, checks and versions",
                   "ganzoo info dcgan_mnist")
    info.add_argument("name")

    sample = command("sample", "images for given seeds, as a grid or one PNG each",
                     "ganzoo sample cgan_mnist -n 16 --seed 0 --labels 3,7 -o grid.png")
    sample.add_argument("name")
    sample.add_argument("-n", type=_positive, default=16, help="how many (default 16)")
    sample.add_argument("--seed", type=_seed, default=0, help="the noise seed (default 0)")
    sample.add_argument("--labels", type=_labels,
                        help="conditional entries: class indices or names, e.g. 3,7 or cat,dog; "
                             "repeated to fill -n")
    sample.add_argument("--truncation", type=_truncation,
                        help="psi in (0, 1]: scale z toward 0 for typical, less varied samples")
    where = sample.add_mutually_exclusive_group()
    where.add_argument("-o", "--output", default="samples.png",
                       help="the grid (or, for 2D entries, the scatter plot) as PNG")
    where.add_argument("--outdir", help="write one PNG per image into this folder instead")

    walk = command("interpolate", "a latent walk through the noise of several seeds, as a GIF",
                   "ganzoo interpolate dcgan_mnist --seeds 1,2,3 --frames 16 -o walk.gif")
    walk.add_argument("name")
    walk.add_argument("--seeds", type=_seeds, default=[0, 1], help="two or more, e.g. 1,2,3")
    walk.add_argument("--frames", type=_positive, default=16, help="frames from seed to seed")
    walk.add_argument("--labels", type=_labels,
                      help="conditional entries: one class (held) or one per seed")
    walk.add_argument("--truncation", type=_truncation)
    walk.add_argument("--fps", type=_positive, default=12)
    walk.add_argument("-o", "--output", default="walk.gif")

    translate = command("translate", "translate PNG or JPEG files of any size (the central "
                        "square, resized to the entry's size) into PNGs",
                        "ganzoo translate pix2pix_emoji face.png -o out/")
    translate.add_argument("name")
    translate.add_argument("files", nargs="+", type=Path)
    translate.add_argument("-o", "--outdir", required=True, type=Path)
    translate.add_argument("--direction", choices=("a2b", "b2a"), default="a2b")

    download = command("download", "fetch shipped models into the cache, or write them into a "
                       "mirror folder (--dest) for machines without a network",
                       "ganzoo download --all --dest /srv/ganzoo-mirror")
    download.add_argument("names", nargs="*", help="entries, 'judges' for the evaluators, "
                          "'inception' for the FID network")
    download.add_argument("--all", action="store_true",
                          help="every shipped model and judge, and InceptionV3's weights")
    download.add_argument("--dest", type=Path, help="write a mirror here instead of the cache")

    publish = command("publish", "write a trained version in a model hub's layout (Keras "
                      "folder, SavedModel, model card), or a Hugging Face Space that runs the "
                      "demo for it", "ganzoo publish dcgan_mnist --dest hub/")
    publish.add_argument("name")
    target = publish.add_mutually_exclusive_group(required=True)
    target.add_argument("--dest", type=Path, help="a new or empty folder")
    target.add_argument("--space", type=Path,
                        help="a new or empty folder for a Hugging Face Space (app.py, "
                             "requirements.txt, README.md with the Space's metadata)")
    publish.add_argument("--version", type=_positive)

    cache = command("cache", "re-hash the model cache: what is verified, corrupt, left by an "
                    "interrupted download, or unknown", "ganzoo cache --remove")
    cache.add_argument("--remove", action="store_true",
                       help="delete the corrupt, stale and unknown files it lists")

    demo = command("demo", "a page on 127.0.0.1 to try every trained entry (Gradio; pip install "
                   "'ganzoo[demo]')", "ganzoo demo fastgan_twemoji pix2pix_emoji --port 7860")
    demo.add_argument("entries", nargs="*", help="the entries to offer (default: every trained "
                      "entry, the zoo's and yours)")
    demo.add_argument("--host", default="127.0.0.1",
                      help="the address to bind (default 127.0.0.1: this machine only)")
    demo.add_argument("--port", type=_positive, help="default: Gradio's, 7860 or the next free")
    demo.add_argument("--models_dir", help="a models folder searched before the zoo")

    for name, (module, help_text, example) in TOOLS.items():
        tool = command(name, f"{help_text} (python -m {module}; its flags)", example)
        tool.add_argument("args", nargs=argparse.REMAINDER, help=argparse.SUPPRESS)
    return top


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else list(argv)
    if "--verbose" in argv[:1]:
        quiet.undo()
    top = parser()
    tool = next((a for a in argv if not a.startswith("-")), None)
    if tool in TOOLS:  # the tool parses its own flags, --help included
        return _run_tool(tool, argv[argv.index(tool) + 1:])
    try:
        args = top.parse_args(argv)
        if args.command is None:
            top.print_help()
            return 2
        return COMMANDS[args.command](args) or 0
    except UsageError as err:
        print(str(err), file=sys.stderr)
        return 2
    except BrokenPipeError:  # `ganzoo list | head`: the reader has what it wanted
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())  # no second error at exit
        return 141  # what a shell reports for a command ended by SIGPIPE
    except (KeyError, ValueError, OSError, decode.Unusable) as err:
        message = err.args[0] if isinstance(err, KeyError) and err.args else str(err)
        print(f"ganzoo {tool}: {' '.join(str(message).split())}", file=sys.stderr)
        return 2


def _run_tool(name: str, args: list[str]) -> int:
    module = TOOLS[name][0]
    saved, sys.argv = sys.argv, [f"ganzoo {name}", *args]
    try:
        runpy.run_module(module, run_name="__main__", alter_sys=True)
    except SystemExit as done:
        if set(args) & HELP_FLAGS:
            return 0  # absl exits 1 after printing help; help is not a failure here
        return done.code if isinstance(done.code, int) else (0 if done.code is None else 1)
    finally:
        sys.argv = saved
    return 0


# ----- the commands -------------------------------------------------------------------------

def _list(_args) -> None:
    from ganzoo import config, datasets, zoo

    for name in zoo.list_models():
        cfg = config.load_entry(name)
        try:
            entry_dir, newest = zoo.locate(name, fetch_missing=False)
            fetched = zoo.available_versions(entry_dir)
            trained = f"v{newest}" + ("" if newest in fetched else " (fetched on first use)")
        except (FileNotFoundError, KeyError, ValueError):
            trained = "not trained"
        print(f"{name:26s} {cfg.family:9s} {cfg.dataset:14s} {trained}")
    yours = zoo.list_models(user=True)
    if yours:
        print(f"\nyour entries ({', '.join(map(str, zoo.user_dirs()))}):")
    for name in yours:  # what a version was trained on is in its own saved config
        entry_dir, newest = zoo.locate(name)
        cfg = config.version_config(name, entry_dir / str(newest))
        print(f"{name:26s} {cfg.family:9s} v{newest}  {datasets.described(cfg)}")


def _info(args) -> None:
    from ganzoo import config, datasets, integrity, zoo

    try:
        entry_dir, newest = zoo.locate(args.name)
    except zoo.NotTrainedError as err:
        cfg = config.load_entry(args.name)  # an unknown name fails here, with the known ones
        print(f"{cfg.name}: {cfg.family} on {datasets.described(cfg)}\n  {cfg.description}")
        print(f"  not trained: {' '.join(str(err).split())}")
        return
    card = json.loads((entry_dir / str(newest) / integrity.CARD).read_text())
    trained = json.loads((entry_dir / str(newest) / integrity.CONFIG).read_text())
    cfg = config.version_config(args.name, entry_dir / str(newest))
    data = datasets.described(cfg, (card.get("data") or {}).get("class_names"))
    print(f"{args.name}: {card['family']} on {data}")
    if trained.get("description"):
        print(f"  {trained['description']}")
    print(f"  versions: {', '.join(map(str, zoo.available_versions(entry_dir)))} "
          f"(in {entry_dir})")
    print(f"  version {newest}: {card['steps']:,} steps, {card['wall_time_s'] / 60:.0f} min; "
          f"{card.get('num_examples', 0):,} training examples")
    print(f"  data: {card.get('data_source', '?')}")
    if card.get("command"):
        print(f"  trained by: {card['command']}")
    checks = card.get("checks")
    if checks:
        from ganzoo import zoo_table

        print(f"  checks: {zoo_table.summary(checks)}")
    else:
        print(f"  checks: not evaluated (ganzoo evaluate --name {args.name})")
    print(f"  card: {entry_dir / 'README.md'}")


def _download(args) -> None:
    from ganzoo.hub import mirror

    if bool(args.names) == args.all:
        raise UsageError("ganzoo download: name entries (or 'judges'), or give --all")
    for folder in mirror.download(args.names, args.all, args.dest):
        print(folder)


def _publish(args) -> None:
    if args.space:
        from ganzoo.demo import space

        print(space.write_space(args.name, args.space, args.version))
        return
    from ganzoo.hub import publish

    print(publish.publish(args.name, args.dest, args.version))


def _cache(args) -> None:
    from ganzoo.hub import cache

    print("\n".join(cache.verify(remove=args.remove).lines()))


def _demo(args) -> None:
    from ganzoo.demo import app, service

    try:
        app.launch(args.entries or None, host=args.host, port=args.port, models_dir=args.models_dir)
    except (ImportError, service.BadRequest) as err:  # no Gradio; no such entry
        raise UsageError(f"ganzoo demo: {err}") from None


def _load_noise_model(name):
    import ganzoo

    model = ganzoo.load(name)
    if model.translation:
        raise ValueError(f"{name} translates images; use: ganzoo translate {name} FILE -o DIR")
    return model


def _fill(labels, n):
    return None if labels is None else [labels[i % len(labels)] for i in range(n)]


def _sample(args) -> None:
    from ganzoo import imaging

    model = _load_noise_model(args.name)
    images = model.sample(args.n, labels=_fill(args.labels, args.n), seed=args.seed,
                          truncation=args.truncation)
    if args.outdir:
        folder = Path(args.outdir)
        folder.mkdir(parents=True, exist_ok=True)
        if images.ndim == 2:
            raise ValueError(f"{args.name} draws 2D points, not images; use -o plot.png")
        for i, image in enumerate(images):
            imaging.save_png(imaging.to_uint8(image), folder / f"seed{args.seed}-{i:04d}.png")
        print(f"wrote {len(images)} PNGs to {folder}")
        return
    imaging.save_png(imaging.preview(images), args.output)
    what = "scatter plot of" if images.ndim == 2 else "grid of"
    print(f"wrote a {what} {len(images)} samples to {args.output}")


def _interpolate(args) -> None:
    from ganzoo import imaging

    model = _load_noise_model(args.name)
    if len(model.image_shape) != 3:
        raise ValueError(f"{args.name} draws 2D points; interpolate walks image entries")
    frames = model.walk(args.seeds, frames=args.frames, labels=args.labels,
                        truncation=args.truncation)
    pictures = [imaging.to_image(imaging.to_uint8(frame)) for frame in frames]
    pictures[0].save(args.output, save_all=True, append_images=pictures[1:], loop=0,
                     duration=round(1000 / args.fps))
    print(f"wrote {len(pictures)} frames to {args.output}")


def _translate(args) -> None:
    import numpy as np

    import ganzoo
    from ganzoo import imaging
    from ganzoo.datasets.base import to_unit_range

    model = ganzoo.load(args.name)
    if not model.translation:
        raise ValueError(f"{args.name} does not translate images; try: ganzoo sample {args.name}")
    height, width, channels = model.image_shape
    spec = decode.Spec(size=height, channels=channels, crop="center")
    pixels = []
    for path in args.files:
        try:
            pixels.append(decode.decode(path.read_bytes(), spec)[0][0])
        except decode.Unusable as err:
            raise ValueError(f"{path}: {err}") from None
    outputs = model.translate(to_unit_range(np.stack(pixels)), direction=args.direction)
    args.outdir.mkdir(parents=True, exist_ok=True)
    for path, image in zip(args.files, outputs):
        imaging.save_png(imaging.to_uint8(image), args.outdir / f"{path.stem}.png")
    print(f"wrote {len(outputs)} PNGs ({args.direction}) to {args.outdir}")


COMMANDS = {"list": _list, "info": _info, "sample": _sample, "interpolate": _interpolate,
            "translate": _translate, "download": _download, "publish": _publish,
            "demo": _demo, "cache": _cache}


def run() -> None:
    sys.exit(main())


if __name__ == "__main__":
    os.environ.setdefault("KERAS_BACKEND", "tensorflow")
    run()
