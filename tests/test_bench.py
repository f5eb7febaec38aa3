"""The benchmark's parts that can be checked without timing anything (no timing asserts)."""

import numpy as np
import pytest

from ganzoo import models
from ganzoo.bench import __main__ as bench_cli
from ganzoo.bench import memory, quality, tutorial


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


def test_an_unknown_section_is_refused_naming_it():
    from absl import app

    bench_cli.FLAGS(["bench", "--sections", "families,warp_speed"])
    try:
        with pytest.raises(app.UsageError, match="warp_speed"):
            bench_cli.main([])
    finally:
        bench_cli.FLAGS.unparse_flags()
