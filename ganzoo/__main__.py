"""`python -m ganzoo`: the `ganzoo` command (ganzoo/cli.py)."""

from ganzoo.cli import run

run()
