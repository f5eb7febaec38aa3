"""Prepare your images once for training: `python -m ganzoo.prepare SOURCE --out DIR --size 64`.

SOURCE is a folder (searched recursively), a zip or tar archive (read in place,
never extracted), CycleGAN's trainA/ trainB/ [testA/ testB/], pix2pix's A/ and B/
or side-by-side AB images (--layout ab). The images are decoded on every core,
converted to --channels, cropped (--crop), resized with Lanczos to --size and
written as uint8 shards with a manifest.json that lists every skipped file and
why. A summary of what was unusable and what was converted is printed first.

    python -m ganzoo.prepare ~/Downloads/img_align_celeba.zip --out ~/data/celeba64 \\
        --size 64 --crop celeba
    python -m ganzoo.train --name dcgan_celeba --data ~/data/celeba64

Training with `--data SOURCE` does this by itself, into $GANZOO_CACHE_DIR, and
prepares again when the source's files change. See docs/your-own-images.md.
"""

import shlex
import sys

from absl import app, flags

flags.DEFINE_string("out", None, "Folder to write the prepared set to (new, or a set prepared "
                    "from the same source, which is brought up to date).")
flags.DEFINE_integer("size", None, "Square training size in pixels.")
flags.DEFINE_enum("crop", "center", ["center", "celeba", "none"], "center: the central square; "
                  "celeba: CelebA's face square (140 x 140 of 178 x 218); "
                  "none: squash to a square.")
flags.DEFINE_enum("labels", "none", ["none", "folders"], "folders: first-level subfolders are "
                  "classes (for conditional families).")
flags.DEFINE_enum("layout", "auto", ["auto", "images", "unpaired", "paired", "ab"],
                  "auto finds trainA/trainB (unpaired) and A/B (paired); ab splits side-by-side "
                  "pairs.")
flags.DEFINE_integer("channels", 3, "3 (RGB) or 1 (grayscale).")
flags.DEFINE_integer("max_images", 0, "Use only the first N image files (in name order); 0: all.")
flags.DEFINE_integer("min_size", 0, "Refuse images smaller than this after cropping, instead of "
                     "upscaling them (0: upscale, with a count).")
flags.DEFINE_float("test_share", 0.1, "Share held out for evaluation, chosen by file name.")
flags.DEFINE_enum("background", "white", ["white", "black"], "Colour under transparent pixels.")
flags.DEFINE_float("max_unreadable", 0.1, "Refuse when more than this share of image files "
                   "cannot be read (a wrong folder is likelier than many broken files).")
flags.DEFINE_integer("workers", 0, "Decoding processes (0: one per core).")
flags.DEFINE_boolean("overwrite", False, "Replace whatever --out holds.")
flags.mark_flags_as_required(["out", "size"])
FLAGS = flags.FLAGS


def main(argv):
    if len(argv) != 2:
        raise app.UsageError("give one SOURCE: a folder, or a zip or tar archive of images")
    from ganzoo.imagefiles import prepare, report

    try:
        settings = prepare.Settings(
            size=FLAGS.size, channels=FLAGS.channels, crop=FLAGS.crop, labels=FLAGS.labels,
            layout=FLAGS.layout, test_share=FLAGS.test_share, min_size=FLAGS.min_size,
            background=FLAGS.background, max_images=FLAGS.max_images,
            max_unreadable=FLAGS.max_unreadable)
        command = "python -m ganzoo.prepare " + " ".join(shlex.quote(a) for a in sys.argv[1:])
        manifest = prepare.prepare(argv[1], FLAGS.out, settings, command=command,
                                   workers=FLAGS.workers or None, overwrite=FLAGS.overwrite)
    except ValueError as err:  # PrepareError, and Settings' own checks
        print(f"error: {err}", file=sys.stderr)
        return 2
    print(report.summary(manifest))
    print(f"prepared in {manifest['seconds']:.1f} s: {FLAGS.out}")
    return 0


def run():
    app.run(main)


if __name__ == "__main__":
    run()
