"""Which metrics an image evaluation reports, marked where each metric is defined.

A metric's own module marks it for a report, and the evaluation computes every marked metric,
so a new metric reaches every card with no edit elsewhere:

- `distribution`: generated against reference features, `fn(reference, generated)`
  (FID, KID, precision/recall, density/coverage);
- `classification`: the generated samples' logits under a classifier of the data's own
  classes, `fn(logits)` (the classifier score, the confident share).

A metric returns one number, reported under its name, or a dict of named numbers. Metrics
with other inputs (memorization needs the training set; the translation metrics pair images
with targets) are called by the evaluation of their kind.
"""

from collections.abc import Callable

REPORTS: dict[str, dict[str, Callable]] = {"distribution": {}, "classification": {}}


def reported_in(report: str, name: str):
    """Mark a metric for `report`, under `name` (a prefix of its keys when it returns several)."""
    if report not in REPORTS:
        raise ValueError(f"unknown report '{report}'; known: {', '.join(REPORTS)}")

    def mark(metric: Callable) -> Callable:
        if name in REPORTS[report]:
            raise ValueError(f"two metrics are named '{name}' in the {report} report")
        REPORTS[report][name] = metric
        return metric

    return mark


def compute(report: str, *inputs) -> dict[str, float]:
    """Every metric marked for `report`, on `inputs`, in the order they were marked."""
    values = {}
    for name, metric in REPORTS[report].items():
        value = metric(*inputs)
        values.update(value if isinstance(value, dict) else {name: value})
    return values
