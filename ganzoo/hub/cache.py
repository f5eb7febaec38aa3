"""`ganzoo cache`: what the model cache holds, re-hashed against the registry.

Every file under `<cache>/models/` is one of: a registered file that matches (kept), a
registered file that does not (corrupt: it would be fetched again on use), a temporary file an
interrupted download left (stale once an hour old and held open by no process; younger ones
may belong to a download running now), or a file no registry item names (an item of an older
release, or anything else). `remove=True` deletes the corrupt, the stale and the unknown.
"""

from dataclasses import dataclass, field
from pathlib import Path

from ganzoo.hub import fetch, registry


@dataclass
class CacheReport:
    root: Path
    ok: list[Path] = field(default_factory=list)
    corrupt: list[Path] = field(default_factory=list)
    stale: list[Path] = field(default_factory=list)
    in_progress: list[Path] = field(default_factory=list)  # temporary, young or held open
    unknown: list[Path] = field(default_factory=list)
    removed: list[Path] = field(default_factory=list)

    def lines(self) -> list[str]:
        out = [f"{self.root}: {len(self.ok)} file(s) verified"]
        for title, paths in (("corrupt (fetched again on use)", self.corrupt),
                             ("stale temporary files of interrupted downloads", self.stale),
                             ("temporary files of a download that may be running",
                              self.in_progress),
                             ("not in this release's registry", self.unknown),
                             ("removed", self.removed)):
            if paths:
                out.append(f"{title}: {len(paths)}")
                out += [f"  {p}" for p in paths]
        return out


def verify(remove: bool = False, items: dict | None = None) -> CacheReport:
    items = registry.with_external(registry.load() if items is None else items)
    root = fetch.cache_root()
    report = CacheReport(root)
    if not root.is_dir():
        return report
    expected = {root / item / r.path: r for item, records in items.items() for r in records}
    stale = set(fetch.stale_temporaries(root))
    for path in sorted(p for p in root.rglob("*") if p.is_file()):
        if path in expected:
            (report.ok if fetch.matches(path, expected[path]) else report.corrupt).append(path)
        elif fetch.is_temporary(path):
            (report.stale if path in stale else report.in_progress).append(path)
        else:
            report.unknown.append(path)
    if remove:
        for path in report.corrupt + report.stale + report.unknown:
            path.unlink(missing_ok=True)
            report.removed.append(path)
    return report
