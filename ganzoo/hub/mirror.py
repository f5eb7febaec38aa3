"""`ganzoo download`: shipped models into the cache, or into a mirror folder for a site
without a network (`GANZOO_MIRROR=/that/folder`, or serve it with any HTTP server)."""

from pathlib import Path

from ganzoo import paths
from ganzoo.hub import fetch, registry

JUDGES = "judges"  # the name `ganzoo download` gives registry.EVALUATORS


def items_for(names: list[str], everything: bool, items: dict) -> list[str]:
    """Registry items for entry names (their newest version), `judges`, `inception`, or all
    of them."""
    if everything:
        return sorted(items)
    chosen = []
    for name in names:
        if name in (JUDGES, registry.EVALUATORS):
            chosen.append(registry.EVALUATORS)
            continue
        if name in registry.EXTERNAL:  # inception: the FID network
            chosen.append(name)
            continue
        versions = registry.versions(name, items)
        if not versions:
            raise KeyError(f"'{name}' ships no trained model; shipped: "
                           f"{', '.join(registry.entries(items))}, {JUDGES} and "
                           f"{', '.join(registry.EXTERNAL)}")
        chosen.append(registry.item_name(name, versions[-1]))
    return chosen


def download(names: list[str], everything: bool = False, dest: Path | None = None) -> list[Path]:
    """Each item verified in the cache, or (with `dest`) copied into `dest` in the mirror
    layout. A maintainer's checkout is the source when it has the item; else the mirror."""
    items = registry.with_external(registry.load())
    written = []
    for item in items_for(names, everything, items):
        source = _checkout_copy(item, items) or fetch.ensure(item, items)
        if dest is None:
            written.append(source)
            continue
        target = Path(dest).expanduser() / item
        for record in items[item]:
            path = target / record.path
            if fetch.matches(path, record):
                continue
            if path.exists():
                raise FileExistsError(f"{path} exists and differs from the registry's file; "
                                      f"not overwritten (move it away first)")
            fetch.copy_verified(source / record.path, record, path)
        written.append(target)
    return written


def _checkout_copy(item: str, items: dict) -> Path | None:
    folder = paths.shipped_models_dir() / item
    if folder.is_dir() and all(fetch.matches(folder / r.path, r) for r in items[item]):
        return folder
    return None
