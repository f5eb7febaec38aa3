"""The benchmark's parts that can be checked without timing anything (no timing asserts)."""

from collections import Counter

import numpy as np
import pytest

from ganzoo import models
from ganzoo.bench import __main__ as bench_cli
from ganzoo.bench import memory, profile, quality, tutorial


def test_tutorial_networks_have_the_published_parameter_counts():
    """The tutorial's model summaries: generator 2,330,944 parameters, discriminator 212,865."""
    assert tutorial.make_generator_model().count_params() == 2_330_944
    assert tutorial.make_discriminator_model().count_params() == 212_865


def test_ganzoo_trains_the_tutorial_networks_with_the_tutorial_step():
    model = tutorial.ganzoo_model(jit_compile=False)
    assert model.hparams.update == "simultaneous" and model.ema_generator is None
    assert model.generator.count_params() == 2_330_944


def test_every_family_declares_a_reference_entry_of_its_own_family():
    from ganzoo import config

    entries = bench_cli.reference_entries()
    assert len(entries) == len(models.family_names())
    for family, entry in zip(models.family_names(), entries):
        assert config.load_entry(entry).family == family


class FakeJudge:
    def __init__(self, fids):
        self.fids = iter(fids)

    def fid(self, images):
        return next(self.fids)


def test_race_stops_at_the_threshold_and_counts_only_training_time():
    result = quality.race(lambda: 10.0, lambda: None, FakeJudge([900, 500, 90, 80]),
                          threshold=100, budget_s=1000)
    assert result == {"reached": True, "seconds": 30.0,
                      "curve": [(10.0, 900.0), (20.0, 500.0), (30.0, 90.0)]}


def test_race_gives_up_after_its_budget():
    result = quality.race(lambda: 10.0, lambda: None, FakeJudge(np.full(10, 500.0)),
                          threshold=100, budget_s=25)
    assert not result["reached"] and result["seconds"] is None and len(result["curve"]) == 3


@pytest.mark.slow
def test_peak_memory_is_measured_in_a_fresh_process():
    """A child reports its own peak (VmHWM), not the parent's: getrusage would carry the
    parent's peak across exec. The parent here holds 1.5 GB more than such a child needs."""
    ballast = np.ones(1_500_000_000 // 8)  # noqa: F841  (kept alive on purpose)
    peak = memory.peak_rss_mb("sample", "gan_ring8")
    assert 100 < peak < 1400


def test_the_step_flops_come_from_its_graph_and_grow_with_the_batch():
    """One step of a tiny DCGAN counted at batch 8 and 16: the convolutions' cost is per image,
    so the count doubles; the share of the peak divides the achieved rate by it."""
    import keras

    import ganzoo
    from ganzoo.bench import peaks
    from tests.conftest import synthetic_data

    counts = []
    for batch in (8, 16):
        model = ganzoo.build("dcgan_mnist", latent_dim=8, generator_filters=4,
                             discriminator_filters=4, self_conditioning=0)
        model.compile()
        batches = model.input_pipeline(synthetic_data((28, 28, 1), 10), global_batch_size=batch,
                                       seed=0)
        counts.append(peaks.train_step_flops(model, batches))
        keras.backend.clear_session()
    assert counts[0] > 1e6
    assert counts[1] / counts[0] == pytest.approx(2.0, rel=0.02)
    row = peaks.achieved({"setting": "mixed_bfloat16, XLA on", "seconds_per_step": 0.5},
                         2_000_000_000, {"float32": 100.0, "bfloat16": 400.0})
    assert (row["achieved_gflops"], row["share_of_peak"]) == (4.0, "1.0%")
    assert peaks.matmul_gflops("float32", size=256, repeats=2) > 0


def test_an_unknown_section_is_refused_naming_it():
    from absl import app

    bench_cli.FLAGS(["bench", "--sections", "families,warp_speed"])
    try:
        with pytest.raises(app.UsageError, match="warp_speed"):
            bench_cli.main([])
    finally:
        bench_cli.FLAGS.unparse_flags()


def _trace(lines) -> bytes:
    """An XSpace with a host plane holding `lines`: {line name: [(event name, start, length)]}
    in picoseconds."""
    from tensorflow.tsl.profiler.protobuf import xplane_pb2

    space = xplane_pb2.XSpace()
    plane = space.planes.add(name=profile.HOST_PLANE)
    ids = {}
    for line_name, events in lines.items():
        line = plane.lines.add(name=line_name)
        for name, start, length in events:
            if name not in ids:
                ids[name] = len(ids) + 1
                plane.event_metadata[ids[name]].name = name
            line.events.add(metadata_id=ids[name], offset_ps=start, duration_ps=length)
    return space.SerializeToString()


MS = 10**9  # picoseconds


def test_a_trace_is_read_per_step():
    step = "EagerLocalExecute: __inference_train_step_7"
    trace = _trace({
        "__main__.py": [(step, 0, 100 * MS), (step, 103 * MS, 100 * MS), (step, 205 * MS, 100 * MS),
                   ("EagerLocalExecute: __inference_setup_1", 400 * MS, 5 * MS)],
        "tf_Compute/1": [("d/conv/Conv2D:Conv2D", 0, 60 * MS),
                         ("d/conv_1/Conv2D:Conv2D", 100 * MS, 60 * MS),
                         ("d/conv_2/Conv2D:Conv2D", 200 * MS, 60 * MS),
                         ("Mean_1:Mean", 70 * MS, 3 * MS),
                         ("StatefulPartitionedCall:StatefulPartitionedCall", 0, 300 * MS),
                         ("ExecutorState::Process", 0, 300 * MS)],
        "tf_data_private_threadpool/1": [("Iterator::Root", 0, 10 * MS),
                                         ("GatherV2:GatherV2", 2 * MS, 5 * MS),
                                         ("add:AddV2", 20 * MS, 1 * MS)],
    })
    result = profile.read_trace(trace, steps=3)
    assert result.op_counts == {"Conv2D": 1, "Mean": 1 / 3}  # no container, no tf.data op
    assert result.op_ms["Conv2D"] == pytest.approx(60) and result.total_op_ms == pytest.approx(61)
    assert result.call_ms == pytest.approx(100)  # the set-up call is not the step
    assert result.between_calls_ms == pytest.approx(2.5)  # gaps of 3 and 2 ms
    assert result.input_ops_ms == pytest.approx(6 / 3)  # its ops, not the iterator's waits


def test_the_steps_own_ops_are_counted_from_a_real_trace():
    import tensorflow as tf

    @tf.function
    def step(x):
        return tf.math.cumsum(tf.math.cumsum(x, axis=0), axis=1)

    x = tf.ones((64, 64))
    step(x)
    result = profile.profile_steps(lambda steps: [step(x) for _ in range(steps)], steps=4)
    assert round(result.op_counts["Cumsum"]) == 2
    assert result.call_ms > 0


def test_added_ops_are_what_one_step_runs_beyond_the_other():
    def profiled(counts):
        return profile.StepProfile(steps=1, op_counts=Counter(counts), op_ms=Counter(),
                                   call_ms=1.0, between_calls_ms=0.0, input_ops_ms=0.0)

    theirs, ours = profiled({"Conv2D": 4, "Mean": 6}), profiled({"Conv2D": 4, "Mean": 11,
                                                                 "L2Loss": 10})
    assert profile.added_ops(theirs, ours) == {"L2Loss": 10, "Mean": 5}
    assert [r["op_type"] for r in profile.op_rows(theirs, ours, top=1)][-1] == "all ops"
    ours.op_ms.update({"Mean": 22.0, "L2Loss": 1.0})
    assert profile.added_op_ms(theirs, ours) == pytest.approx(22 * 5 / 11 + 1.0)
