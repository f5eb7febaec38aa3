"""Parse documented command lines with a module's own absl flags, without running it.

    python -m tests.parse_commands ganzoo.train < commands.json

reads a JSON list of argument lists (as the shell splits them) and prints a JSON list of
errors (null where the command parses). The module runs as `__main__` so that it defines its
flags, with `absl.app.run` replaced: instead of calling `main`, each argument list is parsed,
and for `ganzoo.train` the entry and its `--set` overrides are validated as training would
validate them.

A value written as a placeholder in the docs (`N`, `DIR`, `<entry>`, `...`) is replaced by a
value of the flag's type, so the flag's name is still checked.
"""

import json
import re
import runpy
import sys

from absl import app, flags

PLACEHOLDER = re.compile(r"^[A-Z][A-Z_]*$|<|\.\.\.")
POSITIONAL = {"ganzoo.prepare": 1}  # SOURCE; every other command takes flags only


def _is_boolean(name: str) -> bool:
    for candidate in (name, name[2:] if name.startswith("no") else None):
        if candidate and candidate in flags.FLAGS:
            return isinstance(flags.FLAGS[candidate], flags.BooleanFlag)
    return False


def _concrete(tokens: list[str]) -> tuple[list[str], set[str]]:
    """`tokens` as `--flag=value` arguments with placeholder values replaced; and the flags
    whose value was a placeholder."""
    joined, tokens = [], list(tokens)
    while tokens:
        token = tokens.pop(0)
        if (token.startswith("--") and "=" not in token and not _is_boolean(token[2:])
                and tokens and not tokens[0].startswith("--")):
            token = f"{token}={tokens.pop(0)}"
        joined.append(token)
    out, placeholders = [], set()
    for arg in joined:
        name, has_value, value = arg.partition("=")
        key, is_override, setting = value.partition("=")
        if name == "--set" and is_override and PLACEHOLDER.search(setting):
            # `--set model.discriminator_layers=N`: the documented ones are all numbers
            arg = f"--set={key}=1"
            value = key
        if arg.startswith("--") and has_value and PLACEHOLDER.search(value):
            flag = flags.FLAGS[name[2:]] if name[2:] in flags.FLAGS else None
            if flag is not None and isinstance(flag.parser, (flags.IntegerParser,
                                                             flags.FloatParser)):
                value = "1"
            elif flag is not None and flag.name == "set":
                value = "train.steps=1"
            else:
                value = "placeholder"
            placeholders.add(name[2:])
            arg = f"{name}={value}"
        out.append(arg)
    return out, placeholders


def _check(module: str, argv: list[str]) -> str | None:
    concrete, placeholders = _concrete(argv)
    try:
        rest = flags.FLAGS([module, *concrete])
        if len(rest) - 1 != POSITIONAL.get(module, 0):
            return f"{len(rest) - 1} positional arguments {rest[1:]}"
        # an entry file in the docs is an example, not a file in the repository
        if module == "ganzoo.train" and not {"name", "config"} & placeholders \
                and not flags.FLAGS.config:
            train = sys.modules["__main__"]  # the module as runpy runs it
            train.entry_from_flags(train.overrides_from_flags())
    except (flags.Error, ValueError, KeyError) as err:
        return str(err)
    finally:
        flags.FLAGS.unparse_flags()
    return None


def main(module: str) -> None:
    commands = json.load(sys.stdin)
    results = []

    def parse_instead_of_running(_main, argv=None, **_kwargs):
        results.extend(_check(module, argv) for argv in commands)
        raise SystemExit(0)

    app.run = parse_instead_of_running
    try:
        runpy.run_module(module, run_name="__main__", alter_sys=True)
    except SystemExit:
        pass
    print(json.dumps(results))


if __name__ == "__main__":
    main(sys.argv[1])
