"""The README's zoo table and the results page's comparison are generated from the model cards
and must agree with them; the serving page's request examples run."""

from ganzoo import zoo_table


def test_readme_zoo_table_matches_the_model_cards():
    text = zoo_table.README.read_text()
    assert zoo_table.START in text and zoo_table.END in text
    assert text == zoo_table.readme_with_table(text), (
        "README zoo table is stale: run `python -m ganzoo.zoo_table --write`"
    )
    results = zoo_table.RESULTS.read_text()
    assert zoo_table.COMPARISON_START in results
    assert results == zoo_table.results_with_comparison(results), (
        "docs/results.md comparison is stale: run `python -m ganzoo.zoo_table --write`")


def test_readme_opens_with_the_two_commands_and_ci_runs_the_test_command():
    text = zoo_table.README.read_text()
    first_block = text.split("```bash", 1)[1].split("```", 1)[0]
    commands = [line for line in first_block.splitlines() if line and not line.startswith("#")]
    assert "python -m ganzoo.train --name cgan_mnist" in commands[0]
    assert commands[1] == "python -m pytest -q"
    ci = (zoo_table.README.parent / ".ci" / "run").read_text()
    assert "\npython -m pytest -q\n" in ci


def _between(marker):
    text = (zoo_table.README.parent / "docs" / "serving.md").read_text()
    block = text.split(f"<!-- {marker}:start -->", 1)[1].split(f"<!-- {marker}:end -->", 1)[0]
    return block.split("\n", 2)[2].rsplit("```", 1)[0]  # the code inside the fence


def _shipped_signature(model_name, signature_name):
    import tensorflow as tf

    from ganzoo import paths, zoo

    entry = paths.shipped_models_dir() / model_name
    version = zoo.available_versions(entry)[-1]
    return tf.saved_model.load(str(entry / str(version))).signatures[signature_name]


def test_readme_rest_request_runs_through_the_shipped_signature():
    import json
    import re

    import numpy as np
    import tensorflow as tf

    block = _between("rest-request")
    model = re.search(r"/v1/models/(\w+):predict", block).group(1)
    body = json.loads(re.search(r"-d '(.*)'", block).group(1))
    signature = _shipped_signature(model, body["signature_name"])
    specs = signature.structured_input_signature[1]
    assert set(body["inputs"]) == set(specs)
    inputs = {k: tf.constant(v, specs[k].dtype) for k, v in body["inputs"].items()}
    out = signature(**inputs)
    assert out["images"].shape[0] == body["inputs"]["count"]
    assert np.all(np.abs(out["images"].numpy()) <= 1.0)


def test_readme_grpc_request_is_a_valid_predict_request_for_the_shipped_signature():
    import tensorflow as tf

    code = _between("grpc-request")
    building = code.split("stub = ", 1)[0]  # everything before the network call
    namespace = {}
    exec(building.replace("import grpc\n", ""), namespace)  # noqa: S102 (our own README)
    request = namespace["request"]
    signature = _shipped_signature(request.model_spec.name, request.model_spec.signature_name)
    inputs = {k: tf.constant(tf.make_ndarray(v)) for k, v in request.inputs.items()}
    out = signature(**inputs)
    assert out["images"].shape == (2, 28, 28, 1) and out["png_bytes"].shape == (2,)
