"""TFDS access that never stalls offline.

`tfds.load` on a machine without network retries for minutes before failing.
We instead use a prepared copy if one exists, download only when a quick
connection test succeeds, and otherwise tell the caller to fall back.
"""

import os
import socket
from pathlib import Path

from absl import logging

from ganzoo import paths

_PROBE_HOST = "storage.googleapis.com"  # where TFDS fetches its files


class TfdsUnavailable(RuntimeError):
    """The data set is neither prepared locally nor downloadable right now."""


def network_answers(timeout: float = 2.0) -> bool:
    if paths.offline():
        return False
    try:
        with socket.create_connection((_PROBE_HOST, 443), timeout=timeout):
            return True
    except OSError:
        return False


def builder(name: str):
    """A prepared TFDS builder for `name`, downloading it if the network answers."""
    data_dir = os.environ.get("TFDS_DATA_DIR")
    local = Path(data_dir or Path.home() / "tensorflow_datasets") / name.split(":")[0]
    if not local.exists() and not network_answers():
        # without this, TFDS warns about the missing folder on every offline run
        raise TfdsUnavailable(f"TFDS '{name}' is not prepared in {local.parent} and the "
                              "network does not answer")
    import tensorflow_datasets as tfds

    try:
        b = tfds.builder(name, data_dir=data_dir)
    except Exception as err:  # TFDS raises several types for unknown names/configs
        raise TfdsUnavailable(f"TFDS has no data set '{name}': {err}") from None
    if b.is_prepared():
        return b
    if not network_answers():
        raise TfdsUnavailable(
            f"TFDS '{name}' is not prepared in {b.data_dir} and the network does not answer"
        )
    logging.info("Downloading TFDS '%s' into %s", name, b.data_dir)
    b.download_and_prepare()
    return b


def required_builder(name: str, source: str, how_to_prepare: str):
    """The builder of a data set that has no embedded copy, with a how-to in every refusal."""
    if source == "embedded":
        raise ValueError(f"{name} has no embedded copy; use data.source = 'tfds' or 'auto'")
    try:
        return builder(name)
    except TfdsUnavailable as err:
        raise TfdsUnavailable(f"{err}. {how_to_prepare}") from None


def describe(b) -> str:
    return f"TFDS {b.info.full_name} ({b.data_dir})"
