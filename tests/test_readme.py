"""The README's zoo table is generated from the model cards and must agree with them."""

from ganzoo import zoo_table


def test_readme_zoo_table_matches_the_model_cards():
    text = zoo_table.README.read_text()
    assert zoo_table.START in text and zoo_table.END in text
    assert text == zoo_table.readme_with_table(text), (
        "README zoo table is stale: run `python -m ganzoo.zoo_table --write`"
    )


def test_readme_opens_with_the_two_commands_and_ci_runs_the_test_command():
    text = zoo_table.README.read_text()
    first_block = text.split("```bash", 1)[1].split("```", 1)[0]
    commands = [line for line in first_block.splitlines() if line and not line.startswith("#")]
    assert "python -m ganzoo.train --name cgan_mnist" in commands[0]
    assert commands[1] == "python -m pytest -q"
    ci = (zoo_table.README.parent / ".ci" / "run").read_text()
    assert "\npython -m pytest -q\n" in ci
