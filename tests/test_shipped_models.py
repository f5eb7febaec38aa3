"""Every model that ships in saved_models/ loads, matches its checksums, and serves what it
samples."""

import functools
import hashlib
import json

import numpy as np
import pytest
import tensorflow as tf
from ai_edge_litert.interpreter import Interpreter  # LiteRT; conversion stays on TF

import ganzoo
from ganzoo import config, datasets, export, imaging, integrity, paths, zoo

SHIPPED = [name for name in ganzoo.list_models()
           if zoo.available_versions(paths.shipped_models_dir() / name)]

# Each entry loaded (and its checksums verified) once for the whole module; tests only read it.
loaded = functools.lru_cache(maxsize=None)(ganzoo.load)


def newest(name):
    entry = paths.shipped_models_dir() / name
    version_dir = entry / str(zoo.available_versions(entry)[-1])
    return version_dir, json.loads((version_dir / integrity.CARD).read_text())


def test_the_foundation_entries_ship_trained():
    assert {"gan_mnist", "dcgan_mnist", "cgan_mnist"} <= set(SHIPPED)


@pytest.mark.parametrize("name", SHIPPED)
def test_shipped_files_match_their_recorded_checksums(name):
    version_dir, card = newest(name)
    assert card["files"], "the card records no checksums"
    for relative, digest in card["files"].items():
        data = (version_dir / relative).read_bytes()
        assert hashlib.sha256(data).hexdigest() == digest, relative


@pytest.mark.parametrize("name", SHIPPED)
def test_shipped_model_samples_and_serves_the_same_images(name):
    version_dir, card = newest(name)
    model = loaded(name)
    assert model.zoo_version == card["version"]
    signatures = tf.saved_model.load(str(version_dir)).signatures
    if model.translation:
        inputs = datasets.load(config.load_entry(name).dataset, "test").a[:4]
        for i, direction in enumerate(model.directions):
            images = model.translate(inputs, direction)
            np.testing.assert_array_equal(images, model.translate(inputs, direction))
            serving = signatures["serving_default" if i == 0 else direction]
            served = serving(images=tf.constant(inputs))["images"].numpy()
            np.testing.assert_allclose(served, images, atol=1e-5)
        return
    labels = np.arange(6) % model.num_classes if model.conditional else None
    images = model.sample(6, labels=labels, seed=11)
    np.testing.assert_array_equal(images, model.sample(6, labels=labels, seed=11))
    inputs = {"z": tf.random.stateless_normal((6, model.hparams.latent_dim), seed=(11, 0))}
    if model.conditional:
        inputs["labels"] = tf.constant(labels, tf.int32)
    served = signatures["serving_default"](**inputs)["images"].numpy()
    np.testing.assert_allclose(served, images, atol=1e-5)


@pytest.mark.parametrize("name", SHIPPED)
def test_shipped_model_still_draws_the_grid_in_its_card(name):
    """The code as it is now, on the weights as shipped, samples what the model drew at export
    (a change to sampling, a layer or the seeds fails here). A few values one level off are
    allowed, as float rounding at export may have differed: on 2026-12-05 dcgan_twemoji's grid
    differed in 10 of its 1.3 million values and progan_mnist's in 2, each by one level; the
    other thirteen were identical."""
    model = loaded(name)
    if model.translation:
        pytest.skip("a translation card shows held-out strips of its training run")
    version_dir, _ = newest(name)
    drawn = export.sample_grid(model)
    card = imaging.load_png(version_dir / integrity.SAMPLES).reshape(drawn.shape)
    difference = np.abs(card.astype(np.int16) - drawn.astype(np.int16))
    assert difference.max() <= 1 and np.count_nonzero(difference) <= 1e-4 * difference.size, (
        f"{np.count_nonzero(difference)} values differ, by up to {difference.max()}")


@pytest.mark.parametrize("name", SHIPPED)
def test_the_served_version_has_every_signature_and_its_warmup_requests(name):
    from ganzoo import serving

    version_dir, _ = newest(name)
    model = loaded(name)
    saved = tf.saved_model.load(str(version_dir))
    assert set(saved.signatures) == set(model.serving_signatures())
    if saved.signatures["serving_default"].structured_outputs["images"].shape.rank == 4:
        assert any(key.endswith("_bytes") for fn in saved.signatures.values()
                   for key in fn.structured_outputs), "no PNG output"
    assert serving.read_warmup_requests(version_dir)


@pytest.mark.parametrize("name", SHIPPED)
def test_the_entry_config_is_the_recipe_of_its_newest_shipped_model(name):
    """`python -m ganzoo.train --name <entry>` retrains what ships: the resolved config of the
    newest version (options added since then at their defaults) equals the entry's config.
    A warm-started version's `train.steps` are the steps after its start (the card adds the
    starting version's); its other settings must still be the entry's."""
    version_dir, card = newest(name)
    shipped = json.loads((version_dir / "ganzoo" / "config.json").read_text())
    recorded = json.loads(config.from_dict(name, {k: v for k, v in shipped.items() if k != "name"},
                                           where=str(version_dir)).to_json())
    entry = json.loads(config.load_entry(name).to_json())
    start = card.get("initialized_from")
    if start:
        assert card["steps"] == start["steps"] + recorded["train"]["steps"]
        recorded["train"]["steps"] = entry["train"]["steps"]
    assert recorded == entry


@pytest.mark.parametrize("name", SHIPPED)
def test_shipped_model_card_says_how_it_was_made_and_checked(name):
    _, card = newest(name)
    for key in ("data_source", "steps", "wall_time_s", "command", "machine"):
        assert card.get(key), key
    assert card.get("checks", {}).get("command", "").startswith("python -m ganzoo.evaluate")


def test_a_process_with_only_tensorflow_serves_every_shipped_entry_as_ganzoo_samples(tmp_path):
    """One TensorFlow-only process loads every shipped SavedModel and answers `generate`
    with a seed; the images equal `ganzoo.load(name).sample(n, seed=s)`."""
    import subprocess
    import sys
    import textwrap

    noise = [n for n in SHIPPED if not loaded(n).translation]
    jobs = {}
    for name in noise:
        version_dir, _ = newest(name)
        model = loaded(name)
        labels = (np.arange(4) % model.num_classes).tolist() if model.conditional else None
        jobs[name] = {"dir": str(version_dir), "labels": labels}
        np.save(tmp_path / f"{name}.npy", model.sample(4, labels=labels, seed=21))
    (tmp_path / "jobs.json").write_text(json.dumps(jobs))
    script = textwrap.dedent("""
        import json, sys, numpy as np, tensorflow as tf
        for name, job in json.load(open("jobs.json")).items():
            signatures = tf.saved_model.load(job["dir"]).signatures
            labels = ({} if job["labels"] is None
                      else {"labels": tf.constant(job["labels"], tf.int32)})
            out = signatures["generate"](seed=tf.constant(21, tf.int64), count=tf.constant(4),
                                         **labels)
            np.save(name + ".served.npy", out["images"].numpy())
        assert "ganzoo" not in sys.modules
        print("served", len(json.load(open("jobs.json"))))
    """)
    result = subprocess.run([sys.executable, "-c", script], cwd=tmp_path, capture_output=True,
                            text=True, timeout=600)
    assert f"served {len(noise)}" in result.stdout, result.stderr[-3000:]
    for name in noise:
        np.testing.assert_allclose(np.load(tmp_path / f"{name}.served.npy"),
                                   np.load(tmp_path / f"{name}.npy"), atol=1e-5, err_msg=name)


@pytest.mark.slow
@pytest.mark.parametrize("name", SHIPPED)
def test_every_shipped_generator_converts_to_tflite(name):
    from ganzoo import serving

    version_dir, _ = newest(name)
    model = loaded(name)
    # ProGAN converts at a fixed batch only (see serving.to_tflite); the others at any batch.
    batch_size = 1 if config.load_entry(name).family == "progan" else None
    runner = Interpreter(
        model_content=serving.to_tflite(version_dir, batch_size=batch_size)
    ).get_signature_runner("serving_default")
    if model.translation:
        images = datasets.load(config.load_entry(name).dataset, "test").a[:1]
        expected = model.translate(images)
        got = runner(images=images)["images"]
    else:
        z = tf.random.stateless_normal((1, model.hparams.latent_dim), seed=(4, 0)).numpy()
        inputs = {"z": z}
        if model.conditional:
            inputs["labels"] = np.array([3], np.int32)
        labels = tf.constant(inputs["labels"]) if model.conditional else None
        expected = model.generate(tf.constant(z), labels, training=False,
                                  generator=model.sampling_generator)
        got = runner(**inputs)["images"]
    np.testing.assert_allclose(got, expected, atol=1e-3)  # TFLite's kernels differ in rounding


@pytest.mark.slow
def test_saved_model_cli_shows_and_runs_every_shipped_entry(tmp_path):
    """TensorFlow's own CLI reads each shipped version: `show --all` lists its signatures and
    `run` answers `serving_default` with the images ganzoo computes."""
    import subprocess
    import sys

    cli = [sys.executable, "-m", "tensorflow.python.tools.saved_model_cli"]
    for name in SHIPPED:
        version_dir, _ = newest(name)
        model = loaded(name)
        shown = subprocess.run([*cli, "show", "--dir", str(version_dir), "--all"],
                               capture_output=True, text=True, timeout=300)
        for signature in model.serving_signatures():
            assert f"signature_def['{signature}']" in shown.stdout, (name, signature)
        if model.translation:
            inputs = {"images": datasets.load(config.load_entry(name).dataset, "test").a[:1]}
            expected = model.translate(inputs["images"])
        else:
            z = tf.random.stateless_normal((1, model.hparams.latent_dim), seed=(8, 0)).numpy()
            inputs = {"z": z}
            if model.conditional:
                inputs["labels"] = np.array([7], np.int32)
            expected = model.sample(1, labels=inputs.get("labels"), seed=8)
        arrays = []
        for key, value in inputs.items():
            np.save(tmp_path / f"{name}_{key}.npy", value)
            arrays.append(f"{key}={tmp_path / f'{name}_{key}.npy'}")
        out = tmp_path / f"{name}_out"
        ran = subprocess.run([*cli, "run", "--dir", str(version_dir), "--tag_set", "serve",
                              "--signature_def", "serving_default", "--inputs", ";".join(arrays),
                              "--outdir", str(out)], capture_output=True, text=True, timeout=300)
        assert ran.returncode == 0, (name, ran.stderr[-2000:])
        np.testing.assert_allclose(np.load(out / "images.npy"), expected, atol=1e-5, err_msg=name)


@pytest.mark.parametrize("name", SHIPPED)
def test_every_model_card_is_rendered_from_its_card_json_and_history(name):
    """A card edited by hand, or a HISTORY.md or card.json changed without rendering again,
    is stale: `python -c "from ganzoo import export; export.write_model_card(DIR)"`."""
    entry = paths.shipped_models_dir() / name
    assert (entry / "README.md").read_text() == export.model_card(entry), f"{name}: stale card"
