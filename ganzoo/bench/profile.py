"""Where a training step's time goes, read from TensorFlow's profiler trace.

The tutorial comparison says how fast `fit` is against a hand-written loop; this says why,
from a trace of a few steps of each trainer:

- the ops each step ran, per op type: how many, and their time (summed over TensorFlow's
  inter-op threads, so concurrent ops both count);
- how long each call of the compiled step took, and how long the Python loop spent between
  two calls (`fit`'s callbacks and logs; the tutorial's dataset iteration);
- the time of the input pipeline's ops, which tf.data's own threads run beside the step.

The trace is TensorFlow's XSpace protobuf, read with the message class TensorFlow ships
(`tensorflow.tsl.profiler.protobuf.xplane_pb2`); no profiler plug-in is needed.
"""

import re
import statistics
import tempfile
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

HOST_PLANE = "/host:CPU"
# One executed op is an event named "<node name>:<op type>" on an executor thread.
OP_EVENT = re.compile(r"^[^\s:]+:(?P<type>[A-Za-z0-9_]+)$")
# Ops whose event spans the ops of a function body they run, which are counted themselves.
CONTAINER_OPS = {"StatefulPartitionedCall", "PartitionedCall", "While", "If", "Case"}
COMPILED_CALL = re.compile(r"^EagerLocalExecute: (?P<function>__inference_\S+)$")


@dataclass(frozen=True)
class StepProfile:
    steps: int
    op_counts: Counter  # op type -> ops per step
    op_ms: Counter  # op type -> milliseconds per step, summed over threads
    call_ms: float  # median duration of one call of the compiled step
    between_calls_ms: float  # median time from the end of one call to the start of the next
    input_ops_ms: float  # op time per step on tf.data's threads (the input pipeline's ops)

    @property
    def total_op_ms(self) -> float:
        return sum(self.op_ms.values())


def profile_steps(train, steps: int) -> StepProfile:
    """Trace `train(steps)` (a warmed-up trainer) and read the trace."""
    import tensorflow as tf

    with tempfile.TemporaryDirectory(prefix="ganzoo-profile-") as logdir:
        tf.profiler.experimental.start(logdir)
        try:
            train(steps)
        finally:
            tf.profiler.experimental.stop()
        traces = sorted(Path(logdir).rglob("*.xplane.pb"))
        if not traces:
            raise RuntimeError(f"TensorFlow's profiler wrote no trace in {logdir}")
        return read_trace(traces[-1].read_bytes(), steps)


def read_trace(serialized: bytes, steps: int) -> StepProfile:
    from tensorflow.tsl.profiler.protobuf import xplane_pb2

    space = xplane_pb2.XSpace.FromString(serialized)
    hosts = [plane for plane in space.planes if plane.name == HOST_PLANE]
    if not hosts:
        raise RuntimeError(f"the trace has no {HOST_PLANE} plane: "
                           f"{[plane.name for plane in space.planes]}")
    host = hosts[0]
    names = {key: meta.name for key, meta in host.event_metadata.items()}
    op_counts, op_ps, calls, input_ps = Counter(), Counter(), {}, 0
    for line in host.lines:
        for event in line.events:
            name = names.get(event.metadata_id, "")
            op = OP_EVENT.match(name)
            if op and op["type"] not in CONTAINER_OPS:
                if line.name.startswith("tf_data"):
                    input_ps += event.duration_ps
                else:
                    op_counts[op["type"]] += 1
                    op_ps[op["type"]] += event.duration_ps
            call = COMPILED_CALL.match(name)
            if call:  # on the calling thread, named after the process
                calls.setdefault(call["function"], []).append(
                    (event.offset_ps, event.duration_ps))
    if not calls:
        raise RuntimeError("the trace shows no call of a compiled function; its threads: "
                           f"{sorted({line.name for line in host.lines})}")
    # The training step is the function that took the most time; others are set-up calls.
    step_calls = sorted(max(calls.values(), key=lambda c: sum(d for _, d in c)))
    gaps = [later - (start + duration)
            for (start, duration), (later, _) in zip(step_calls, step_calls[1:])]
    ms = 1e-9  # picoseconds to milliseconds
    return StepProfile(
        steps=steps,
        op_counts=Counter({t: n / steps for t, n in op_counts.items()}),
        op_ms=Counter({t: ps * ms / steps for t, ps in op_ps.items()}),
        call_ms=statistics.median(d for _, d in step_calls) * ms,
        between_calls_ms=statistics.median(gaps) * ms if gaps else 0.0,
        input_ops_ms=input_ps * ms / steps)


def op_rows(baseline: StepProfile, other: StepProfile, top: int = 8) -> list[dict]:
    """Per op type, both steps side by side: the `top` costliest types, then every type that
    one step runs more often than the other (what one step adds), then the totals."""
    types = sorted(set(baseline.op_ms) | set(other.op_ms),
                   key=lambda t: -(baseline.op_ms[t] + other.op_ms[t]))
    differing = [t for t in types if round(baseline.op_counts[t]) != round(other.op_counts[t])]
    rows = [_row(t, baseline, other) for t in types[:top]]
    rows += [_row(t, baseline, other) for t in differing if t not in types[:top]]
    rows.append({"op_type": "all ops", "baseline_ops": round(sum(baseline.op_counts.values())),
                 "other_ops": round(sum(other.op_counts.values())),
                 "baseline_ms": round(baseline.total_op_ms, 1),
                 "other_ms": round(other.total_op_ms, 1)})
    return rows


def _row(op_type, baseline, other) -> dict:
    return {"op_type": op_type, "baseline_ops": round(baseline.op_counts[op_type]),
            "other_ops": round(other.op_counts[op_type]),
            "baseline_ms": round(baseline.op_ms[op_type], 1),
            "other_ms": round(other.op_ms[op_type], 1)}


def added_ops(baseline: StepProfile, other: StepProfile) -> dict[str, int]:
    """Op type -> how many more of it `other` runs per step (negative: fewer)."""
    types = set(baseline.op_counts) | set(other.op_counts)
    return {t: round(other.op_counts[t]) - round(baseline.op_counts[t]) for t in sorted(types)
            if round(other.op_counts[t]) != round(baseline.op_counts[t])}


def added_op_ms(baseline: StepProfile, other: StepProfile) -> float:
    """An estimate of the op time per step of what `other` runs beyond `baseline`: each
    added op at the mean time of its type in `other` (types whose ops differ in size, like
    Mean over a batch and over a scalar, make it an overestimate)."""
    return sum(other.op_ms[t] * n / other.op_counts[t]
               for t, n in added_ops(baseline, other).items() if n > 0)


def op_time_by_precision(entry: str, steps: int, warmup: int = 2) -> list[dict]:
    """Op time per type of `entry`'s step in float32 (baseline) and mixed bfloat16 (other),
    XLA off, over `steps` traced steps."""
    import keras

    from ganzoo.bench.throughput import Setting, built_entry

    traced = []
    for precision in ("float32", "mixed_bfloat16"):
        _, model, batches = built_entry(entry, Setting(False, precision))

        def train(count, model=model, batches=batches):
            model.fit(batches, epochs=1, steps_per_epoch=count, verbose=0)

        train(warmup)
        traced.append(profile_steps(train, steps))
        keras.backend.clear_session()
    return op_rows(*traced, top=10)
