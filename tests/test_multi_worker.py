"""`python -m ganzoo.train` joins a cluster described by TF_CONFIG (MultiWorkerMirroredStrategy).

Two worker processes on localhost ports continue a tiny dcgan_mnist run for a few steps.
Only the chief keeps checkpoints, samples and the export; the result restores with
`ganzoo.load` and has the weights of one process training on the same global batch.
"""

import json
import os
import re
import shutil
import socket
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

import ganzoo
from ganzoo import integrity
from ganzoo.training import distribute

REPO = Path(__file__).resolve().parent.parent
ARGS = ["--name", "dcgan_mnist", "--batch_size", "8",
        "--set", "model.generator_filters=4", "--set", "model.discriminator_filters=4",
        "--set", "model.latent_dim=8", "--set", "train.steps_per_epoch=2",
        # a large rate, so a wrong gradient scale shows within two steps
        "--set", "train.g_learning_rate=0.01", "--set", "train.d_learning_rate=0.01",
        # float32, where two processes differ from one only in summation order; the entry's
        # own bfloat16 rounds that difference to 8 bits, which Adam then amplifies
        "--set", "train.precision=float32",
        # the entry's R1 is close to, not exactly, replica-invariant with batch norm in D
        # (tests/test_distributed.py pins that gap); here the cluster itself is under test
        "--set", "model.r1_gamma=0"]


# A conv bias right before batch norm has an exactly zero gradient; Adam turns the float
# noise of that zero into +-learning-rate steps (here 1.5e-2 apart), which also move the
# moving mean of the batch norm after it. Every other weight agrees to < 1e-6 here.
ZERO_GRADIENT = re.compile(r"down[1-9]\d*/bias|down[1-9]\d*_bn/moving_mean")


def free_ports(count):
    sockets = [socket.socket() for _ in range(count)]
    for s in sockets:
        s.bind(("localhost", 0))
    ports = [s.getsockname()[1] for s in sockets]
    for s in sockets:
        s.close()
    return ports


def train_command(steps, workdir, models):
    return [sys.executable, "-m", "ganzoo.train", *ARGS, "--steps", str(steps),
            "--workdir", str(workdir), "--models_dir", str(models)]


def base_env():
    env = {**os.environ, "GANZOO_OFFLINE": "1"}
    env.pop("TF_CONFIG", None)
    return env


def train_alone(steps, workdir, models):
    done = subprocess.run(train_command(steps, workdir, models), cwd=REPO, env=base_env(),
                          capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr[-3000:]


def train_on_two_workers(steps, workdir, models):
    workers = [f"localhost:{port}" for port in free_ports(2)]
    processes = []
    for index in range(2):
        env = dict(base_env(), TF_CONFIG=json.dumps(
            {"cluster": {"worker": workers}, "task": {"type": "worker", "index": index}}))
        processes.append(subprocess.Popen(
            train_command(steps, workdir, models), cwd=REPO, env=env, text=True,
            stdout=subprocess.PIPE, stderr=subprocess.PIPE))
    errors = [p.communicate(timeout=600)[1] for p in processes]
    for process, err in zip(processes, errors):
        assert process.returncode == 0, err[-3000:]
    return errors


@pytest.mark.slow
def test_two_workers_on_localhost_resume_a_run_train_like_one_process_and_only_the_chief_writes(
        tmp_path):
    """Both continuations start from one checkpoint (MultiWorkerMirroredStrategy draws initial
    weights from another random stream than one process does): 2 steps alone, then 2 more
    either alone or on a two-worker cluster. The cluster must end with the same weights."""
    train_alone(2, tmp_path / "alone", tmp_path / "first_models")
    shutil.copytree(tmp_path / "alone", tmp_path / "cluster")

    errors = train_on_two_workers(4, tmp_path / "cluster", tmp_path / "cluster_models")
    assert "Strategy: MultiWorkerMirroredStrategy with 2 replica(s)" in errors[0]
    assert "Resuming dcgan_mnist from step 2" in errors[1]  # the worker read the chief's files
    workdir, models = tmp_path / "cluster", tmp_path / "cluster_models"
    assert [p.name for p in workdir.iterdir() if p.name.startswith(".worker")] == []
    assert (workdir / "checkpoints" / "ckpt-4.index").exists()
    assert json.loads((workdir / "progress.json").read_text())["step"] == 4
    assert [p.name for p in (models / "dcgan_mnist").iterdir() if p.is_dir()] == ["1"]
    card = json.loads((models / "dcgan_mnist" / "1" / integrity.CARD).read_text())
    assert (card["workers"], card["replicas"], card["steps"]) == (2, 2, 4)
    clustered = ganzoo.load("dcgan_mnist", models_dir=models)

    train_alone(4, tmp_path / "alone", tmp_path / "alone_models")
    alone = ganzoo.load("dcgan_mnist", models_dir=tmp_path / "alone_models")
    compared = 0
    for variable, x, y in zip(clustered.weights, clustered.get_weights(), alone.get_weights()):
        if ZERO_GRADIENT.search(variable.path):
            continue
        np.testing.assert_allclose(x, y, atol=5e-4, err_msg=variable.path)
        compared += 1
    assert compared >= 30


def test_tf_config_of_one_task_or_none_means_no_cluster(monkeypatch):
    monkeypatch.delenv("TF_CONFIG", raising=False)
    assert distribute.cluster_from_env() is None
    monkeypatch.setenv("TF_CONFIG", json.dumps(
        {"cluster": {"worker": ["localhost:1"]}, "task": {"type": "worker", "index": 0}}))
    assert distribute.cluster_from_env() is None


@pytest.mark.parametrize("text, message", [
    ("{not json", "TF_CONFIG is not a cluster spec"),
    (json.dumps({"cluster": {"worker": ["a:1", "b:2"]}}), "TF_CONFIG is not a cluster spec"),
    (json.dumps({"cluster": {"worker": ["a:1", "b:2"]}, "task": {"type": "worker", "index": 2}}),
     "task worker:2 is not in its cluster"),
])
def test_a_malformed_tf_config_is_refused_naming_the_problem(monkeypatch, text, message):
    monkeypatch.setenv("TF_CONFIG", text)
    with pytest.raises(ValueError, match=message):
        distribute.cluster_from_env()


@pytest.mark.parametrize("task_type, task_id, has_chief, chief", [
    (None, 0, False, True), ("worker", 0, False, True), ("worker", 1, False, False),
    ("chief", 0, True, True), ("worker", 0, True, False),
])
def test_the_chief_is_the_chief_task_or_else_worker_0(task_type, task_id, has_chief, chief):
    role = distribute.WorkerRole(task_type, task_id, 2, cluster_has_chief_task=has_chief)
    assert role.is_chief is chief
