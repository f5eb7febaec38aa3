"""The SavedModel signatures every exported entry serves (TensorFlow Serving, or any
process that has only TensorFlow).

Noise models (`z` -> images):
- `serving_default`: z (float32, [N, latent_dim]) [+ labels (int32, [N])] -> images.
- `generate`: seed (int64 scalar), count (int32 scalar) [+ labels (int32, [count])]
  -> images, png_bytes. z = stateless_normal((count, latent_dim), seed=(seed, 0)),
  exactly what `model.sample(count, seed=seed)` draws, so a seed gives the same
  images in Python, in a reloaded SavedModel and on a server.

Translation models (images -> images):
- `serving_default` (first direction) and one signature per further direction
  (`b2a`): images (float32, [N, H, W, C] in [-1, 1]) -> images.
- `<direction>_png`: png (string, [N], PNG files of H x W) -> images, png_bytes.

Outputs whose key ends in `_bytes` are PNG files, which TF Serving's REST API
returns base64-encoded. Every input is checked inside the graph
(`tf.debugging`), so a bad request fails with an InvalidArgumentError that
names the problem, and changes nothing: generators run in inference mode and
no signature touches a random-generator state.
"""

from pathlib import Path

import numpy as np
import tensorflow as tf

from ganzoo import imaging

MAX_COUNT = 1024  # images per `generate` request; larger requests are refused, not queued


def _to_png(images):
    """[-1, 1] float images -> PNG strings, one per image."""
    pixels = tf.cast(tf.round((tf.clip_by_value(images, -1.0, 1.0) + 1.0) * 127.5), tf.uint8)
    return tf.map_fn(tf.io.encode_png, pixels, fn_output_signature=tf.string)


def _check_noise(z, latent_dim):
    """A request's z is fed as sent, whatever the signature's shape says: without the width
    check a wrong latent size failed deep inside the generator ("Matrix size-incompatible")."""
    width = tf.debugging.Assert(tf.equal(tf.shape(z)[-1], latent_dim), [
        f"z must be (n, {latent_dim}): n noise vectors of {latent_dim} values"])
    with tf.control_dependencies([width]):
        return tf.debugging.assert_all_finite(z, "z must be finite (it holds NaN or Inf)")


def _check_labels(labels, num_classes):
    return [
        tf.debugging.assert_greater_equal(labels, 0, message="labels must be >= 0"),
        tf.debugging.assert_less(labels, num_classes,
                                 message=f"labels must be < {num_classes} (the class count)"),
    ]


def noise_signatures(model, synthesize=None) -> dict:
    """`serving_default` and `generate` for a noise-to-data model.

    `synthesize(z)` turns checked noise into images for unconditional models whose
    generator needs more than `z` (ProGAN's level blend); by default it is the
    sampling generator in inference mode.
    """
    generator = model.sampling_generator
    latent_dim = model.hparams.latent_dim
    conditional = model.conditional
    is_image = len(model.image_shape) == 3
    if synthesize is None:
        synthesize = lambda z: generator(z, training=False)  # noqa: E731

    def run(z, labels=None):
        with tf.control_dependencies([_check_noise(z, latent_dim)]):
            if conditional:
                with tf.control_dependencies(_check_labels(labels, model.num_classes)):
                    return generator({"labels": labels, "z": z}, training=False)
            return synthesize(z)

    def draw(seed, count):
        checks = [
            tf.debugging.assert_positive(count, message="count must be positive"),
            tf.debugging.assert_less_equal(
                count, MAX_COUNT, message=f"count must be at most {MAX_COUNT} per request"),
        ]
        with tf.control_dependencies(checks):
            seeds = tf.stack([tf.cast(seed, tf.int64), tf.constant(0, tf.int64)])
            return tf.random.stateless_normal(tf.stack([count, latent_dim]), seed=seeds)

    def outputs(images):
        result = {"images": images}
        if is_image:
            result["png_bytes"] = _to_png(images)
        return result

    z_spec = tf.TensorSpec((None, latent_dim), tf.float32, name="z")
    labels_spec = tf.TensorSpec((None,), tf.int32, name="labels")
    seed_spec = tf.TensorSpec((), tf.int64, name="seed")
    count_spec = tf.TensorSpec((), tf.int32, name="count")
    if conditional:
        def serve(labels, z):
            return {"images": run(z, labels)}

        def generate(seed, count, labels):
            z = draw(seed, count)
            with tf.control_dependencies([z]):  # the count checks fire first
                size_check = tf.debugging.assert_equal(
                    tf.size(labels), count, message="labels must hold count entries")
            with tf.control_dependencies([size_check]):
                return outputs(run(tf.identity(z), labels))

        return {"serving_default": (serve, [labels_spec, z_spec]),
                "generate": (generate, [seed_spec, count_spec, labels_spec])}

    def serve(z):
        return {"images": run(z)}

    def generate(seed, count):
        return outputs(run(draw(seed, count)))

    return {"serving_default": (serve, [z_spec]), "generate": (generate, [seed_spec, count_spec])}


def translation_signatures(model) -> dict:
    """images -> images per direction, and PNG in / PNG out variants."""
    height, width, channels = model.image_shape
    signatures = {}
    for i, direction in enumerate(model.directions):
        serve, serve_png = _translation_functions(model.generator_for(direction),
                                                  (height, width, channels))
        spec = tf.TensorSpec((None, height, width, channels), tf.float32, name="images")
        signatures["serving_default" if i == 0 else direction] = (serve, [spec])
        signatures[f"{direction}_png"] = (serve_png, [tf.TensorSpec((None,), tf.string,
                                                                    name="png")])
    return signatures


def _translation_functions(generator, image_shape):
    """(float images fn, PNG fn) for one generator (a factory: each closes over its own)."""
    height, width, channels = image_shape

    def serve(images):
        checks = [
            tf.debugging.assert_all_finite(images, "images must be finite"),
            tf.debugging.assert_greater_equal(images, -1.0, message="images must be in [-1, 1]"),
            tf.debugging.assert_less_equal(images, 1.0, message="images must be in [-1, 1]"),
        ]
        with tf.control_dependencies(checks):
            return {"images": generator(images, training=False)}

    def decode(data):
        # tf.debugging.Assert with the message only: assert_equal would echo the raw bytes,
        # which clients then fail to decode as text.
        is_png = tf.equal(tf.strings.substr(data, 0, 8), b"\x89PNG\r\n\x1a\n")
        checks = [tf.debugging.Assert(is_png, [
            "png must hold PNG files (the 8-byte PNG signature is missing)"])]
        with tf.control_dependencies(checks):
            image = tf.io.decode_png(data, channels=channels)
        with tf.control_dependencies([tf.debugging.assert_equal(
                tf.shape(image)[:2], tf.constant([height, width]),
                message=f"png images must be {height}x{width} pixels")]):
            return tf.cast(image, tf.float32) / 127.5 - 1.0

    def serve_png(png):
        images = tf.map_fn(decode, png, fn_output_signature=tf.TensorSpec(image_shape, tf.float32))
        translated = generator(images, training=False)
        return {"images": translated, "png_bytes": _to_png(translated)}

    return serve, serve_png


def to_tflite(version_dir, signature="serving_default", batch_size=None) -> bytes:
    """Convert one signature of an exported version to a TFLite flatbuffer.

    With `batch_size`, the signature is traced at that fixed batch first. ProGAN
    needs it: at a dynamic batch, the reshapes inside its nearest-neighbour
    upsampling lose the spatial sizes, and TFLite's builtin convolution cannot
    take an input of unknown size (it asks for the Flex delegate instead).
    """
    if batch_size is None:
        return tf.lite.TFLiteConverter.from_saved_model(
            str(version_dir), signature_keys=[signature]).convert()
    loaded = tf.saved_model.load(str(version_dir))
    served = loaded.signatures[signature]
    specs = {name: tf.TensorSpec([batch_size, *spec.shape[1:]], spec.dtype, name=name)
             for name, spec in served.structured_input_signature[1].items()}
    fixed = tf.function(lambda **inputs: served(**inputs)).get_concrete_function(**specs)
    return tf.lite.TFLiteConverter.from_concrete_functions([fixed], loaded).convert()


# ----- what TF Serving reads besides the SavedModel -------------------------------

WARMUP_FILE = "assets.extra/tf_serving_warmup_requests"


def example_inputs(model) -> dict:
    """{signature: {input: numpy array}}: one small, valid request per signature.

    The warm-up records and docs/serving.md's request examples are made from these,
    so what the documentation shows is what the tests run.
    """
    if model.translation:
        image = np.zeros((1, *model.image_shape), np.float32)
        first = model.directions[0]
        examples = {"serving_default": {"images": image}}
        for direction in model.directions[1:]:
            examples[direction] = {"images": image}
        white = np.full(model.image_shape, 255, np.uint8)
        examples[f"{first}_png"] = {"png": np.array([imaging.png_bytes(white)], object)}
        return examples
    z = np.zeros((1, model.hparams.latent_dim), np.float32)
    if model.conditional:
        return {"serving_default": {"labels": np.array([3], np.int32), "z": z},
                "generate": {"seed": np.array(7, np.int64), "count": np.array(2, np.int32),
                             "labels": np.array([3, 5], np.int32)}}
    return {"serving_default": {"z": z},
            "generate": {"seed": np.array(7, np.int64), "count": np.array(2, np.int32)}}


def write_warmup_requests(model, version_dir, model_name: str) -> Path:
    """`assets.extra/tf_serving_warmup_requests`: a PredictionLog TFRecord that TF Serving
    replays before it answers, so the first client does not pay for graph warm-up."""
    from tensorflow_serving.apis import predict_pb2, prediction_log_pb2

    path = Path(version_dir) / WARMUP_FILE
    path.parent.mkdir(parents=True, exist_ok=True)
    with tf.io.TFRecordWriter(str(path)) as writer:
        for signature, inputs in example_inputs(model).items():
            request = predict_pb2.PredictRequest()
            request.model_spec.name = model_name
            request.model_spec.signature_name = signature
            for key, value in inputs.items():
                request.inputs[key].CopyFrom(tf.make_tensor_proto(value))
            log = prediction_log_pb2.PredictionLog(
                predict_log=prediction_log_pb2.PredictLog(request=request))
            writer.write(log.SerializeToString())
    return path


def read_warmup_requests(version_dir) -> list:
    """The PredictRequests of a version's warm-up file (for tests and inspection)."""
    from tensorflow_serving.apis import prediction_log_pb2

    requests = []
    for record in tf.data.TFRecordDataset(str(Path(version_dir) / WARMUP_FILE)):
        log = prediction_log_pb2.PredictionLog.FromString(record.numpy())
        requests.append(log.predict_log.request)
    return requests


def model_server_config(models_dir, base_path="/models") -> str:
    """A ModelServerConfig text proto naming every entry with a version under `models_dir`,
    for `tensorflow_model_server --model_config_file`; paths as the server sees them
    (`base_path`, where docs/serving.md's `docker run` mounts `saved_models/`)."""
    from ganzoo.integrity import available_versions

    entries = sorted(p.name for p in Path(models_dir).iterdir()
                     if p.is_dir() and not p.name.startswith((".", "_"))
                     and available_versions(p))
    blocks = "".join(
        f'  config {{\n    name: "{name}"\n    base_path: "{base_path}/{name}"\n'
        f'    model_platform: "tensorflow"\n  }}\n' for name in entries)
    return f"model_config_list {{\n{blocks}}}\n"


def write_model_server_config(models_dir) -> Path:
    path = Path(models_dir) / "models.config"
    path.write_text(model_server_config(models_dir))
    return path
