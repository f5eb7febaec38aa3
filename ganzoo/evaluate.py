"""Check a trained zoo entry: `python -m ganzoo.evaluate --name cgan_mnist`.

For digit entries the zoo's MNIST classifier labels the samples (coverage of
the ten classes, the largest class share, and for conditional entries whether
each sample is the digit asked for). The result is printed and stored in the
version's card.json, and the entry's model card is re-rendered from it.
"""

import json

from absl import app, flags

flags.DEFINE_string("name", None, "Zoo entry to evaluate.")
flags.DEFINE_integer("version", None, "Version to evaluate (default: newest).")
flags.DEFINE_integer("samples", 2000, "Number of samples to draw.")
flags.DEFINE_integer("seed", 0, "Sampling seed.")
flags.DEFINE_string("models_dir", None, "Models directory (default: $GANZOO_MODELS_DIR or saved_models/).")
flags.DEFINE_boolean("write", True, "Store the result in the model card.")
flags.mark_flag_as_required("name")
FLAGS = flags.FLAGS


def evaluate(name, version=None, samples=2000, seed=0, models_dir=None, write=True) -> dict:
    from ganzoo import export, zoo
    from ganzoo.evaluation import digit_classifier

    model = zoo.load(name, version=version, models_dir=models_dir)
    if tuple(model.image_shape) != (28, 28, 1):
        raise ValueError(f"{name}: only MNIST-shaped entries have an evaluator so far")
    report = digit_classifier.digit_report(model, digit_classifier.load(), samples, seed)
    report["judge"] = "zoo MNIST classifier (saved_models/_evaluators/mnist_classifier.keras)"
    report["command"] = (f"python -m ganzoo.evaluate --name {name} --samples {samples} "
                         f"--seed {seed}")
    if write:
        entry_dir = _entry_dir(name, model.zoo_version, models_dir)
        card_path = entry_dir / str(model.zoo_version) / "ganzoo" / "card.json"
        card = json.loads(card_path.read_text())
        card["checks"] = report
        card_path.write_text(json.dumps(card, indent=2))
        export.write_model_card(entry_dir)
    return report


def _entry_dir(name, version, models_dir):
    from ganzoo import zoo

    for root in zoo._search_dirs(models_dir):
        if version in zoo.available_versions(root / name):
            return root / name
    raise FileNotFoundError(name)


def main(argv):
    del argv
    report = evaluate(FLAGS.name, FLAGS.version, FLAGS.samples, FLAGS.seed, FLAGS.models_dir,
                      FLAGS.write)
    print(json.dumps(report, indent=2))


if __name__ == "__main__":
    app.run(main)
