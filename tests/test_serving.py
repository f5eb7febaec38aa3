"""What a serving client sees: typed signatures, seeds reproducible outside ganzoo, PNG in
and out, TFLite, saved_model_cli, and a clear error for every bad request."""

import io
import os
import subprocess
import sys
import textwrap

import numpy as np
import pytest
import tensorflow as tf
from ai_edge_litert.interpreter import Interpreter  # LiteRT; conversion stays on TF
from PIL import Image

from ganzoo import config, export, serving, zoo
from ganzoo.models import family_names, get_family
from tests.conftest import tiny_entry_overrides

CARD = {"name": "x", "family": "x", "data_source": "test", "num_examples": 1, "steps": 0,
        "batch_size": 8, "replicas": 1, "wall_time_s": 0.0, "command": "pytest"}


def _export(name, root, **extra):
    cfg = config.load_entry(name, {**tiny_entry_overrides(name), **extra})
    model = zoo.build_from_config(cfg)
    picture = np.zeros((4, 4, 3), np.uint8) if cfg.dataset == "emoji" else None
    return model, export.export(model, cfg, root, dict(CARD, name=name), picture=picture)


@pytest.fixture(scope="module")
def exports(tmp_path_factory):
    root = tmp_path_factory.mktemp("serving")
    return {name: _export(name, root) for name in ("dcgan_mnist", "cgan_mnist", "pix2pix_emoji")}


def _signatures(exports, name):
    model, version_dir = exports[name]
    return model, tf.saved_model.load(str(version_dir)).signatures


def test_generate_reproduces_sample_in_a_process_without_ganzoo(exports, tmp_path):
    for name in ("dcgan_mnist", "cgan_mnist"):
        model, version_dir = exports[name]
        labels = np.array([3, 1, 4, 1, 5], np.int32) if model.conditional else None
        np.save(tmp_path / f"{name}.npy", model.sample(5, labels=labels, seed=123))
        script = textwrap.dedent(f"""
            import sys, numpy as np, tensorflow as tf
            served = tf.saved_model.load({str(version_dir)!r}).signatures["generate"]
            kwargs = dict(seed=tf.constant(123, tf.int64), count=tf.constant(5))
            if {model.conditional}:
                kwargs["labels"] = tf.constant([3, 1, 4, 1, 5], tf.int32)
            out = served(**kwargs)["images"].numpy()
            assert "ganzoo" not in sys.modules
            np.testing.assert_allclose(out, np.load({str(tmp_path / f"{name}.npy")!r}), atol=1e-5)
            print("same images")
        """)
        env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
        result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                                cwd=tmp_path, env=env, timeout=300)
        assert "same images" in result.stdout, result.stderr[-2000:]


def test_signatures_are_named_typed_and_png_bytes_decode_to_the_images(exports):
    model, signatures = _signatures(exports, "dcgan_mnist")
    assert set(signatures) == {"serving_default", "generate"}
    generate = signatures["generate"]
    assert set(generate.structured_input_signature[1]) == {"seed", "count"}
    out = generate(seed=tf.constant(7, tf.int64), count=tf.constant(3))
    assert set(out) == {"images", "png_bytes"}
    for image, png in zip(out["images"].numpy(), out["png_bytes"].numpy()):
        decoded = np.asarray(Image.open(io.BytesIO(png)), np.float32)
        expected = np.round((image[..., 0] + 1.0) * 127.5)
        np.testing.assert_array_equal(decoded, expected)


def test_a_signature_call_changes_no_variable(exports):
    model, version_dir = exports["dcgan_mnist"]
    loaded = tf.saved_model.load(str(version_dir))
    before = [v.numpy().copy() for v in loaded.variables]
    first = loaded.signatures["generate"](seed=tf.constant(1, tf.int64), count=tf.constant(4))
    again = loaded.signatures["generate"](seed=tf.constant(1, tf.int64), count=tf.constant(4))
    np.testing.assert_array_equal(first["images"], again["images"])
    assert all(np.array_equal(a, b.numpy()) for a, b in zip(before, loaded.variables))


def _refused(call, match):
    with pytest.raises((tf.errors.InvalidArgumentError, ValueError, TypeError), match=match):
        call()


def test_bad_noise_requests_get_clear_errors_and_the_model_keeps_answering(exports):
    model, signatures = _signatures(exports, "cgan_mnist")
    serve, generate = signatures["serving_default"], signatures["generate"]
    latent = model.hparams.latent_dim
    z = tf.random.stateless_normal((2, latent), seed=(1, 0))
    good = serve(labels=tf.constant([1, 2]), z=z)["images"].numpy()
    nan_z = tf.tensor_scatter_nd_update(z, [[0, 0]], [float("nan")])
    _refused(lambda: serve(labels=tf.constant([1, 2]), z=nan_z), "finite")
    _refused(lambda: serve(labels=tf.constant([1, 10]), z=z), "labels must be < 10")
    _refused(lambda: serve(labels=tf.constant([-1, 2]), z=z), "labels must be >= 0")
    _refused(lambda: serve(labels=tf.constant([1, 2]), z=tf.zeros((2, latent + 1))),
             rf"z must be \(n, {latent}\)")
    _refused(lambda: serve(labels=tf.constant([1, 2]), z=tf.zeros((2, latent), tf.float64)),
             "expected to be a float tensor but is a double tensor")
    # a z of rank 1: the signature's static shape lets TensorFlow fold any rank check away,
    # so the refusal is TensorFlow's own, from the first op that combines z
    _refused(lambda: serve(labels=tf.constant([1, 2]), z=tf.zeros((latent,))),
             "Ranks of all input tensors should match")
    seed = tf.constant(0, tf.int64)
    for count in (0, -3, serving.MAX_COUNT + 1):
        _refused(lambda count=count: generate(seed=seed, count=tf.constant(count),
                                              labels=tf.zeros((max(count, 0),), tf.int32)),
                 "count must be")
    _refused(lambda: generate(seed=seed, count=tf.constant(3), labels=tf.constant([1, 2])),
             "labels must hold count entries")
    np.testing.assert_array_equal(serve(labels=tf.constant([1, 2]), z=z)["images"], good)


def _png(array):
    buffer = io.BytesIO()
    Image.fromarray(array).save(buffer, format="PNG")
    return buffer.getvalue()


def test_translation_accepts_png_bytes_and_refuses_bad_ones(exports):
    model, signatures = _signatures(exports, "pix2pix_emoji")
    assert {"serving_default", "a2b_png"} <= set(signatures)
    pixels = np.random.default_rng(0).integers(0, 256, (2, *model.image_shape), np.uint8)
    out = signatures["a2b_png"](png=tf.constant([_png(p) for p in pixels]))
    expected = model.translate(pixels.astype(np.float32) / 127.5 - 1.0)
    np.testing.assert_allclose(out["images"].numpy(), expected, atol=1e-5)
    assert out["png_bytes"].shape == (2,)
    _refused(lambda: signatures["a2b_png"](png=tf.constant([b"GIF89a not a png"])), "PNG")
    small = _png(np.zeros((8, 8, 3), np.uint8))
    _refused(lambda: signatures["a2b_png"](png=tf.constant([small])), "must be 64x64")
    _refused(lambda: signatures["serving_default"](images=tf.fill((1, *model.image_shape), 2.0)),
             r"\[-1, 1\]")
    again = signatures["a2b_png"](png=tf.constant([_png(p) for p in pixels]))["images"]
    np.testing.assert_allclose(again.numpy(), expected, atol=1e-5)


def test_tflite_conversion_matches_the_savedmodel(exports):
    model, version_dir = exports["dcgan_mnist"]
    converter = tf.lite.TFLiteConverter.from_saved_model(str(version_dir),
                                                         signature_keys=["serving_default"])
    interpreter = Interpreter(model_content=converter.convert())
    runner = interpreter.get_signature_runner("serving_default")
    z = tf.random.stateless_normal((1, model.hparams.latent_dim), seed=(5, 0)).numpy()
    lite = runner(z=z)["images"]
    np.testing.assert_allclose(lite, model.sampling_generator(z, training=False), atol=1e-4)


def test_saved_model_cli_shows_and_runs_the_signatures(exports, tmp_path):
    model, version_dir = exports["dcgan_mnist"]
    cli = [sys.executable, "-m", "tensorflow.python.tools.saved_model_cli"]
    shown = subprocess.run([*cli, "show", "--dir", str(version_dir), "--all"],
                           capture_output=True, text=True, timeout=300)
    assert "signature_def['generate']" in shown.stdout and "png_bytes" in shown.stdout
    z = np.zeros((1, model.hparams.latent_dim), np.float32)
    np.save(tmp_path / "z.npy", z)
    ran = subprocess.run([*cli, "run", "--dir", str(version_dir), "--tag_set", "serve",
                          "--signature_def", "serving_default", "--inputs",
                          f"z={tmp_path / 'z.npy'}", "--outdir", str(tmp_path / "out")],
                         capture_output=True, text=True, timeout=300)
    assert ran.returncode == 0, ran.stderr[-2000:]
    np.testing.assert_allclose(np.load(tmp_path / "out" / "images.npy"),
                               model.sampling_generator(z, training=False), atol=1e-5)


def test_warmup_requests_parse_with_the_serving_protos_and_run_through_the_signatures(exports):
    for name in ("cgan_mnist", "pix2pix_emoji"):
        model, version_dir = exports[name]
        requests = serving.read_warmup_requests(version_dir)
        assert {r.model_spec.signature_name for r in requests} == set(serving.example_inputs(model))
        signatures = tf.saved_model.load(str(version_dir)).signatures
        for request in requests:
            assert request.model_spec.name == name
            inputs = {k: tf.make_ndarray(v) for k, v in request.inputs.items()}
            out = signatures[request.model_spec.signature_name](**{k: tf.constant(v) for k, v in
                                                       inputs.items()})
            assert np.all(np.isfinite(out["images"].numpy()))


def test_models_config_is_a_model_server_config_listing_every_served_entry(exports):
    from google.protobuf import text_format
    from tensorflow_serving.config import model_server_config_pb2

    _, version_dir = exports["dcgan_mnist"]
    root = version_dir.parent.parent
    parsed = text_format.Parse((root / "models.config").read_text(),
                               model_server_config_pb2.ModelServerConfig())
    configs = {c.name: c for c in parsed.model_config_list.config}
    assert set(configs) == {"dcgan_mnist", "cgan_mnist", "pix2pix_emoji"}
    assert configs["cgan_mnist"].base_path == "/models/cgan_mnist"
    assert configs["cgan_mnist"].model_platform == "tensorflow"


def test_shipped_models_config_lists_every_shipped_entry():
    from google.protobuf import text_format
    from tensorflow_serving.config import model_server_config_pb2

    from ganzoo import paths

    shipped = paths.shipped_models_dir()
    parsed = text_format.Parse((shipped / "models.config").read_text(),
                               model_server_config_pb2.ModelServerConfig())
    listed = {c.name for c in parsed.model_config_list.config}
    assert listed == {n for n in zoo.list_models() if zoo.available_versions(shipped / n)}


def test_reexport_adds_a_version_with_the_same_weights_and_leaves_the_old_one(tmp_path):
    from ganzoo import integrity

    model, first = _export("gan_ring8", tmp_path)
    before = integrity.checksums(first)
    second = export.reexport("gan_ring8", models_dir=tmp_path)
    assert (first.name, second.name) == ("1", "2")
    assert integrity.checksums(first) == before
    reloaded = zoo.load("gan_ring8", version=2, models_dir=tmp_path)
    np.testing.assert_allclose(reloaded.sample(4, seed=1), model.sample(4, seed=1), atol=1e-6)
    import json
    assert json.loads((second / integrity.CARD).read_text())["exported_from_version"] == 1
    # The trained file is carried over byte for byte, not saved again.
    keras_file = zoo.KERAS_FILE
    assert (second / keras_file).read_bytes() == (first / keras_file).read_bytes()


def test_the_saved_model_stores_each_weight_once(exports):
    # Keras' own ExportArchive.track() writes every weight twice (keras-team/keras#23553).
    model, version_dir = exports["dcgan_mnist"]
    reader = tf.train.load_checkpoint(str(version_dir / "variables" / "variables"))
    stored = sum(int(np.prod(shape)) for key, shape in reader.get_variable_to_shape_map().items()
                 if key != "_CHECKPOINTABLE_OBJECT_GRAPH")
    weights = [w for g in model.exported_generators() for w in g.weights]
    assert stored == sum(int(np.prod(w.shape)) for w in weights)
    assert len(tf.saved_model.load(str(version_dir)).variables) == len(weights)


NOISE_FAMILIES = [name for name in family_names()
                  if not get_family(name).translation and name not in ("dcgan", "cgan")]


@pytest.mark.parametrize("family", NOISE_FAMILIES)
def test_each_noise_family_serves_and_converts_to_litert(family, tmp_path):
    """Every family's reference entry (declared, so a new family is picked up) exports a
    SavedModel whose serving signature draws images in [-1, 1] that its LiteRT conversion
    draws too; dcgan and cgan are checked above in more depth."""
    name = get_family(family).reference_entry
    model, version_dir = _export(name, tmp_path)
    signature = tf.saved_model.load(str(version_dir)).signatures["serving_default"]
    z = tf.random.stateless_normal((1, model.hparams.latent_dim), seed=(5, 0))
    expected = signature(z=z)["images"].numpy()
    assert expected.shape[1:] == model.image_shape and np.abs(expected).max() <= 1.0
    # ProGAN converts at a fixed batch only (docs/serving.md); the others at any
    batch_size = 1 if family == "progan" else None
    lite = Interpreter(model_content=serving.to_tflite(version_dir, batch_size=batch_size)
                       ).get_signature_runner("serving_default")(z=z.numpy())["images"]
    np.testing.assert_allclose(lite, expected, atol=1e-4)
