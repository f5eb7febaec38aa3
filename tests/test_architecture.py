"""The shape of the code: no import cycles among ganzoo's modules (imports inside functions
counted), no module over 400 lines, and a family added as one module and one config is picked
up by the registry-parametrized tests, the N-replica test and the bench with no other edit."""

import ast
import os
import shutil
import subprocess
import sys

import pytest

from ganzoo.paths import repository_root

ROOT = repository_root()
PACKAGE = ROOT / "ganzoo"
MAX_LINES = 400


def _module_name(path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def import_graph() -> dict[str, set[str]]:
    """ganzoo module -> the ganzoo modules it imports, anywhere in its code. A package's own
    `__init__` is not counted when a submodule is imported (Python runs it, but that is how
    packages work, not a dependency the code chose)."""
    modules = {_module_name(p): p for p in PACKAGE.rglob("*.py")}

    def known(name):
        while name and name not in modules:
            name = name.rpartition(".")[0]
        return name or None

    graph = {}
    for name, path in modules.items():
        package = name if path.name == "__init__.py" else name.rpartition(".")[0]
        targets = set()
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Import):
                targets |= {known(a.name) for a in node.names if a.name.startswith("ganzoo")}
            elif isinstance(node, ast.ImportFrom):
                base = node.module or ""
                if node.level:
                    anchor = package.split(".")[:len(package.split(".")) - node.level + 1]
                    base = ".".join(anchor + ([base] if base else []))
                if base.startswith("ganzoo"):
                    targets |= {f"{base}.{a.name}" if f"{base}.{a.name}" in modules
                                else known(base) for a in node.names}
        graph[name] = targets - {None, name, "ganzoo"}
    return graph


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components of more than one module (Tarjan)."""
    index, low, stack, on_stack, found = {}, {}, [], set(), []

    def visit(node):
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for target in graph.get(node, ()):
            if target not in index:
                visit(target)
                low[node] = min(low[node], low[target])
            elif target in on_stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return found


def test_no_import_cycles_among_ganzoo_modules():
    graph = import_graph()
    assert len(graph) > 50 and graph["ganzoo.zoo"]  # the graph was read
    assert not cycles(graph), cycles(graph)


def test_the_cycle_finder_finds_a_cycle():
    assert cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]


def test_no_module_is_over_400_lines():
    long = {str(p.relative_to(ROOT)): n for p in PACKAGE.rglob("*.py")
            if (n := len(p.read_text().splitlines())) > MAX_LINES}
    assert not long, long


@pytest.mark.slow
def test_a_family_copied_under_a_new_name_is_picked_up_with_one_config(tmp_path):
    """docs/contributing.md's promise: a new family is its module and an entry config."""
    copy = tmp_path / "repo"
    for part in ("ganzoo", "tests", "zoo_configs"):
        shutil.copytree(ROOT / part, copy / part,
                        ignore=shutil.ignore_patterns("__pycache__", "*.egg-info"))
    for part in ("setup.cfg", "pyproject.toml"):
        shutil.copy(ROOT / part, copy / part)
    module = (ROOT / "ganzoo" / "models" / "dcgan.py").read_text()
    module = (module.replace('register_family("dcgan")', 'register_family("dcgancopy")')
              .replace("DCGAN", "DCGANCopy").replace('"dcgan_mnist"', '"dcgancopy_mnist"'))
    (copy / "ganzoo" / "models" / "dcgancopy.py").write_text(module)
    entry = (ROOT / "zoo_configs" / "dcgan_mnist.toml").read_text()
    (copy / "zoo_configs" / "dcgancopy_mnist.toml").write_text(
        entry.replace('family = "dcgan"', 'family = "dcgancopy"'))
    env = {**os.environ, "GANZOO_OFFLINE": "1", "PYTHONDONTWRITEBYTECODE": "1"}
    done = subprocess.run(
        [sys.executable, "-m", "pytest", "-v", "-p", "no:cacheprovider", "-k", "dcgancopy",
         "tests/test_zoo_entries.py", "tests/test_distributed.py"],
        cwd=copy, capture_output=True, text=True, timeout=1200, env=env)
    assert done.returncode == 0, done.stdout[-4000:] + done.stderr[-2000:]
    for test in ("test_zoo_entries.py::test_entry_trains_saves_reloads_and_exports",
                 "test_zoo_entries.py::test_the_training_seed_alone_decides_every_initial_weight",
                 "test_distributed.py::test_two_replicas_match_one"):
        assert f"{test}[dcgancopy_mnist] PASSED" in done.stdout, (test, done.stdout[-3000:])
    bench = subprocess.run(
        [sys.executable, "-c", "from ganzoo.bench.__main__ import reference_entries; "
                               "print(reference_entries())"],
        cwd=copy, capture_output=True, text=True, timeout=300, env=env)
    assert "'dcgancopy_mnist'" in bench.stdout, bench.stderr[-2000:]
