"""The README and docs/ stay true: every `python -m ganzoo...` and `ganzoo ...` command shown
parses with that program's own flags (`ganzoo.train`'s entry and `--set` keys validate; `ganzoo`
list, info, sample and interpolate commands run), every repository path named exists, and the
layout page names every module of the package.

The zoo table's freshness is tests/test_readme.py.
"""

import importlib.util
import json
import re
import shlex
import subprocess
import sys
from pathlib import Path

import pytest

from ganzoo import cli, paths

ROOT = paths.repository_root()
PAGES = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
FENCE = re.compile(r"^```(\w*)\n(.*?)^```", re.S | re.M)
# a command line: optional environment assignments, then python -m ganzoo... or ganzoo ...
COMMAND = re.compile(r"^(?:[A-Z_]+=\S+\s+)*(?:python -m (ganzoo[\w.]*)|(ganzoo))( .*|$)", re.S)
CHEAP = {"list", "info", "sample", "interpolate"}  # `ganzoo` commands the test also runs
SHELL_END = {"&&", "||", "|", ";", ">", ">>", "2>&1"}
REPO_PATH = re.compile(r"^(?:ganzoo|tests|docs|zoo_configs|saved_models|\.ci)/[\w./{},-]*$")


def _relative(page: Path) -> str:
    return str(page.relative_to(ROOT))


def documented_commands() -> list[tuple[str, str, list[str]]]:
    """(page, module, arguments) of every `python -m ganzoo...` in code blocks and code spans."""
    found = []
    for page in PAGES:
        text = page.read_text()
        snippets = []
        for language, body in FENCE.findall(text):
            if language in ("bash", "sh", ""):
                snippets += body.replace("\\\n", " ").splitlines()
        snippets += re.findall(r"`([^`]+)`", FENCE.sub("", text))
        for snippet in snippets:
            match = COMMAND.match(" ".join(snippet.split()))
            if not match:
                continue
            # optional parts, [--seed S], are checked as if given
            tokens = shlex.split(re.sub(r"[\[\]]", "", match.group(3)), comments=True)
            tokens = tokens[:next((i for i, t in enumerate(tokens) if t in SHELL_END),
                                  len(tokens))]
            module = match.group(1) or match.group(2)
            if module == "ganzoo" and tokens and tokens[0] in cli.TOOLS:  # ganzoo train ...
                module, tokens = cli.TOOLS[tokens[0]][0], tokens[1:]
            found.append((_relative(page), module, tokens))
    return found


COMMANDS = documented_commands()


def test_the_docs_show_commands_of_every_kind():
    modules = {module for _, module, _ in COMMANDS}
    assert {"ganzoo.train", "ganzoo.evaluate", "ganzoo.prepare", "ganzoo.bench"} <= modules
    assert len(COMMANDS) > 40  # the extraction found them; an empty list would pass below


def test_documented_ganzoo_commands_parse_and_the_cheap_ones_run(tmp_path, monkeypatch, capsys):
    commands = [(page, argv) for page, m, argv in COMMANDS if m == "ganzoo"]
    assert any(argv[:1] == ["sample"] for _, argv in commands)
    monkeypatch.chdir(tmp_path)  # where the documented outputs (grid.png, walk.gif) go
    wrong = []
    for page, argv in commands:
        try:
            args = cli.parser().parse_args(argv)
        except cli.UsageError as err:
            wrong.append(f"{page}: ganzoo {shlex.join(argv)}\n    {err}")
            continue
        if args.command in CHEAP and cli.main(argv) != 0:
            wrong.append(f"{page}: ganzoo {shlex.join(argv)}\n    {capsys.readouterr().err}")
    assert not wrong, "\n".join(wrong)


@pytest.mark.parametrize("module", sorted({m for _, m, _ in COMMANDS} - {"ganzoo"}))
def test_documented_commands_parse(module):
    spec = importlib.util.find_spec(module)
    assert spec is not None, f"{module} is not a module"
    if spec.submodule_search_locations:  # a package runs its __main__
        spec = importlib.util.find_spec(f"{module}.__main__")
    # a bare `python -m ganzoo.x` in prose names the command; nothing to parse
    commands = [(page, argv) for page, m, argv in COMMANDS if m == module and argv]
    source = Path(spec.origin).read_text()
    if "app.run(" in source:  # absl: parse with the module's own flags
        done = subprocess.run([sys.executable, "-m", "tests.parse_commands", module],
                              input=json.dumps([argv for _, argv in commands]),
                              capture_output=True, text=True, cwd=ROOT, timeout=300)
        assert done.returncode == 0, done.stderr[-3000:]
        errors = json.loads(done.stdout.strip().splitlines()[-1])
    else:  # a plain script: the options it reads are string literals in its source
        known = set(re.findall(r'"(--[\w-]+)"', source))
        errors = [next((f"unknown option {a}" for a in argv if a.startswith("--")
                        and a not in known), None) for _, argv in commands]
    wrong = [f"{page}: python -m {module} {shlex.join(argv)}\n    {error}"
             for (page, argv), error in zip(commands, errors) if error]
    assert not wrong, "\n".join(wrong)


def _named_paths(page: Path) -> list[str]:
    text = page.read_text()
    links = [link for link in re.findall(r"\]\(([^)\s#]+)", text)
             if not re.match(r"\w+:", link)]
    named = [str((page.parent / link).resolve().relative_to(ROOT.resolve())) for link in links]
    for span in re.findall(r"`([^`\s]+)`", FENCE.sub("", text)):
        if REPO_PATH.match(span) and "<" not in span:
            named += _expand_braces(span)
    return named


def _expand_braces(path: str) -> list[str]:
    match = re.search(r"\{([^}]*)\}", path)
    if not match:
        return [path]
    return [expanded for option in match.group(1).split(",")
            for expanded in _expand_braces(path[:match.start()] + option + path[match.end():])]


@pytest.mark.parametrize("page", PAGES, ids=_relative)
def test_every_repository_path_the_docs_name_exists(page):
    missing = [p for p in _named_paths(page) if not (ROOT / p).exists()]
    assert not missing, f"{_relative(page)} names paths that do not exist: {missing}"


def test_the_layout_page_names_every_module_and_nothing_that_is_gone():
    block = FENCE.findall((ROOT / "docs" / "layout.md").read_text())[0][1]
    named = set()
    for line in block.splitlines():
        for token in line.split():
            if re.fullmatch(r"[\w{},./]+(\.py|/)", token):
                named.update(_expand_braces(token.rstrip("/")))
    gone = sorted(p for p in named if not (ROOT / "ganzoo" / p).exists()
                  and not (ROOT / p).exists())
    assert not gone, f"docs/layout.md names what does not exist: {gone}"
    package = ROOT / "ganzoo"
    modules = {p.name for p in package.glob("*.py") if p.name not in ("__init__.py", "__main__.py")}
    named |= {p.split("/")[0] for p in named if "/" in p}  # nn/blocks.py names nn
    modules |= {p.name for p in package.iterdir() if (p / "__init__.py").exists()}
    modules |= {f"nn/{p.name}" for p in (package / "nn").glob("*.py") if p.name != "__init__.py"}
    modules |= {f"models/{p.name}" for p in (package / "models").glob("*.py")
                if p.name != "__init__.py"}
    omitted = sorted(m for m in modules if m not in named and m.removesuffix(".py") not in named)
    assert not omitted, f"docs/layout.md does not name: {omitted}"
