"""A new user's screen shows ganzoo's messages: none of TensorFlow's start-up lines and no
spurious warning, while real errors and warnings still show and GANZOO_VERBOSE shows it all."""

import os
import subprocess
import sys
import warnings

from ganzoo import quiet
from ganzoo.paths import repository_root

SAMPLE = ("import warnings, ganzoo; ganzoo.load('dcgan_mnist').sample(2, seed=0); "
          "warnings.warn('a warning of the user\\'s own')")


def _stderr_of(code: str, **env) -> str:
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          cwd=repository_root(), timeout=300,
                          env={**os.environ, "GANZOO_OFFLINE": "1", **env})
    assert done.returncode == 0, done.stderr[-3000:]
    return done.stderr


def test_loading_and_sampling_print_no_tensorflow_start_up_lines():
    quiet_run = _stderr_of(SAMPLE, GANZOO_VERBOSE="0")
    assert not [line for line in quiet_run.splitlines() if quiet.STARTUP_NOISE.search(line)]
    assert "a warning of the user's own" in quiet_run  # warnings still show
    verbose_run = _stderr_of(SAMPLE, GANZOO_VERBOSE="1")
    # on this GPU-less machine TensorFlow does print them: the filter is what removed them
    assert [line for line in verbose_run.splitlines() if quiet.STARTUP_NOISE.search(line)]


def test_the_filter_drops_only_start_up_lines(capfd):
    with quiet.startup_lines_filtered():
        os.write(2, b"I0000 port.cc:153] oneDNN custom operations are on. You may see ...\n"
                    b"E0000 cuda_platform.cc:52] failed call to cuInit: INTERNAL: CUDA error\n"
                    b"E0000 something.cc:1] a real error\n")
    assert capfd.readouterr().err == "E0000 something.cc:1] a real error\n"


def test_fit_gives_no_shuffle_warning():
    from ganzoo import config, zoo
    from tests.conftest import synthetic_data, tiny_entry_overrides

    cfg = config.load_entry("gan_mnist", tiny_entry_overrides("gan_mnist"))
    model = zoo.build_from_config(cfg)
    model.compile()
    data = synthetic_data((28, 28, 1), None)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        model.fit(model.input_pipeline(data, global_batch_size=8, seed=0), epochs=1,
                  steps_per_epoch=1, verbose=0)
    assert not [w for w in caught if "shuffle" in str(w.message)]


CHECKPOINT = ("import ganzoo, tempfile; from absl import logging; "
              "logging.set_verbosity(logging.INFO); logging.use_absl_handler(); "
              "import tensorflow as tf; "
              "tf.train.Checkpoint(v=tf.Variable(1.0)).write(tempfile.mkdtemp() + '/ckpt'); "
              "logging.info('a line of ganzoo')")


def test_tensorflow_info_lines_through_absl_are_dropped_and_ours_keep_their_place():
    """TensorFlow's checkpoint code logs "Sharding callback duration" through absl's logger,
    which ganzoo's own INFO lines share."""
    quiet_run = _stderr_of(CHECKPOINT, GANZOO_VERBOSE="0")
    assert "Sharding callback duration" not in quiet_run
    assert "<string>:1] a line of ganzoo" in quiet_run  # kept, with its file and line
    assert "Sharding callback duration" in _stderr_of(CHECKPOINT, GANZOO_VERBOSE="1")


FIRST_MATPLOTLIB = ("import ganzoo; from absl import logging; logging.set_verbosity(logging.INFO); "
                    "logging.use_absl_handler(); import matplotlib.font_manager")


def test_matplotlibs_first_run_font_cache_line_is_dropped(tmp_path):
    """A new user's first `python -m ganzoo.train` printed "generated new fontManager"."""
    quiet_run = _stderr_of(FIRST_MATPLOTLIB, GANZOO_VERBOSE="0", MPLCONFIGDIR=str(tmp_path / "a"))
    assert "generated new fontManager" not in quiet_run
    verbose_run = _stderr_of(FIRST_MATPLOTLIB, GANZOO_VERBOSE="1", MPLCONFIGDIR=str(tmp_path / "b"))
    assert "generated new fontManager" in verbose_run
