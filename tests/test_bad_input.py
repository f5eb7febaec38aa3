"""Bad requests fail early with messages that say what to do."""

import numpy as np
import pytest

import ganzoo
from tests.conftest import tiny_overrides


@pytest.fixture(scope="module")
def cgan():
    return ganzoo.build("cgan_mnist", **{k.split(".", 1)[1]: v for k, v in
                                        tiny_overrides("cgan").items() if k.startswith("model.")})


def test_unknown_entry_lists_the_known_ones():
    for call in (ganzoo.load, ganzoo.build):
        with pytest.raises(KeyError, match="known entries: .*dcgan_mnist"):
            call("dcgan_mnsit")


def test_untrained_entry_prints_the_command(tmp_path, monkeypatch):
    monkeypatch.setattr("ganzoo.paths.shipped_models_dir", lambda: tmp_path / "shipped")
    with pytest.raises(ganzoo.NotTrainedError, match="python -m ganzoo.train --name dcgan_celeba"):
        ganzoo.load("dcgan_celeba", models_dir=tmp_path)


def test_wrong_label_count(cgan):
    with pytest.raises(ValueError, match="labels must be 4 integers"):
        cgan.sample(4, labels=[1, 2, 3])


def test_labels_out_of_range(cgan):
    with pytest.raises(ValueError, match=r"labels must be in \[0, 10\)"):
        cgan.sample(2, labels=[3, 10])


def test_labels_for_an_unconditional_model():
    model = ganzoo.build("gan_mnist", generator_units=[8], discriminator_units=[8])
    with pytest.raises(ValueError, match="unconditional"):
        model.sample(2, labels=[0, 1])


@pytest.mark.parametrize("n", [0, -3, 2.5, True])
def test_bad_sample_count(cgan, n):
    with pytest.raises(ValueError, match="positive integer"):
        cgan.sample(n)


def test_labels_pick_the_class_input(cgan):
    same_z_other_label = [cgan.sample(1, labels=[c], seed=5) for c in (0, 7)]
    assert not np.array_equal(*same_z_other_label)
