"""What preparation shows a person: a progress bar while it decodes, and the summary to read
before training (counts, conversions, every skip reason with its first paths)."""

import sys
import time

SKIPPED_EXAMPLES = 10  # paths listed per reason in the printed summary (all in the manifest)


class Progress:
    """A one-line progress bar on stderr (a log line per 10% when stderr is not a terminal)."""

    def __init__(self, total: int, enabled: bool):
        self.total, self.enabled = total, enabled
        self.started = time.perf_counter()
        self.tty = sys.stderr.isatty()
        self.shown = -1

    def update(self, done: int):
        if not self.enabled:
            return
        tenth = done * 10 // max(self.total, 1)
        if self.tty or tenth != self.shown:
            self.shown = tenth
            rate = done / max(time.perf_counter() - self.started, 1e-9)
            filled = done * 30 // max(self.total, 1)
            line = (f"preparing [{'#' * filled}{'.' * (30 - filled)}] {done:,}/{self.total:,} "
                    f"{rate:,.0f} images/s")
            print(("\r" + line) if self.tty else line, end="" if self.tty else "\n",
                  file=sys.stderr, flush=True)

    def done(self):
        if self.enabled and self.tty:
            print(file=sys.stderr)


def summary(manifest: dict) -> str:
    """What a person needs to read before training: counts, conversions, every skip reason
    with its first paths."""
    counts, skipped = manifest["counts"], manifest["skipped"]
    splits = ", ".join(f"{split} {domain} {entry['count']:,}"
                       for split, d in manifest["splits"].items() for domain, entry in d.items())
    lines = [f"{manifest['source']['path']} ({manifest['source']['kind']}, "
             f"{manifest['layout']} layout): "
             + (f"{counts['entries']:,} entries, "  # when some are not files to read
                if counts.get("entries", counts["files"]) != counts["files"] else "")
             + f"{counts['files']:,} files, "
             f"{counts['image_files']:,} images, {counts['used']:,} used ({splits})"]
    if manifest["class_names"]:
        lines.append(f"  classes ({len(manifest['class_names'])}): "
                     f"{', '.join(manifest['class_names'][:20])}"
                     f"{' ...' if len(manifest['class_names']) > 20 else ''}")
    for note, count in manifest["conversions"].items():
        lines.append(f"  converted: {note}: {count:,}")
    described = [("unreadable", "skipped, unreadable", lambda e: f"{e['path']}: {e['reason']}"),
                 ("too_small", "skipped, below --min_size",
                  lambda e: f"{e['path']}: {e['reason']}"),
                 ("duplicates", "skipped, exact duplicates",
                  lambda e: f"{e['path']} = {e['same_as']}"),
                 ("not_placed", "skipped, outside the layout",
                  lambda e: f"{e['path']}: {e['reason']}"),
                 ("link_duplicates", "counted once, reached through more than one link", str),
                 ("not_regular", "skipped, not files", lambda e: f"{e['path']}: {e['reason']}"),
                 ("outside_links", "links followed outside the folder (links are followed "
                  "wherever they point)", str),
                 ("not_images", "ignored, not images", str)]
    for key, title, describe in described:
        entries = skipped.get(key, [])
        if entries:
            lines.append(f"  {title}: {len(entries):,}")
            lines += [f"    {describe(e)}" for e in entries[:SKIPPED_EXAMPLES]]
            if len(entries) > SKIPPED_EXAMPLES:
                lines.append(f"    ... {len(entries) - SKIPPED_EXAMPLES:,} more in manifest.json")
    return "\n".join(lines)
