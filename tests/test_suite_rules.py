"""Rules the suite keeps so that its tests can fail."""

import ast
from pathlib import Path


def _raises_without_a_message(path: Path) -> list[str]:
    found = []
    for node in ast.walk(ast.parse(path.read_text())):
        if (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
                and node.func.attr == "raises" and getattr(node.func.value, "id", "") == "pytest"):
            match = next((k.value for k in node.keywords if k.arg == "match"), None)
            if match is None or (isinstance(match, ast.Constant) and not match.value):
                found.append(f"{path.name}:{node.lineno}")
    return found


def test_every_pytest_raises_names_the_message_it_expects():
    """An exception of the right type for the wrong reason must not pass (and pytest warns
    that match="" always passes)."""
    offenders = [hit for path in sorted(Path(__file__).parent.glob("*.py"))
                 for hit in _raises_without_a_message(path)]
    assert not offenders, offenders
