"""Which `tf.distribute` strategy a run uses, and which worker of a cluster this process is.

One machine: MirroredStrategy over its GPUs (or the default strategy on one device).
Several processes or machines: set `TF_CONFIG` (a cluster spec and this process's task),
and every worker runs the same `python -m ganzoo.train` command under
MultiWorkerMirroredStrategy. All workers step together; only the chief keeps what they
write (see `WorkerRole`).
"""

import json
import os
from dataclasses import dataclass

import tensorflow as tf
from absl import logging


@dataclass(frozen=True)
class WorkerRole:
    """This process's place in a (possibly one-process) cluster.

    Saving a checkpoint or a SavedModel reads every variable, and under
    MultiWorkerMirroredStrategy a read may be a collective all workers must join,
    so every worker performs each save; non-chief workers write theirs into a
    private scratch folder (`scratch_name`) and delete it, as TensorFlow's
    multi-worker guide prescribes.
    """

    task_type: str | None = None  # None: not part of a cluster
    task_id: int = 0
    num_workers: int = 1
    cluster_has_chief_task: bool = False

    @property
    def is_chief(self) -> bool:
        """The "chief" task, or worker 0 of a cluster that has none (TensorFlow's rule)."""
        if self.task_type in (None, "chief"):
            return True
        return self.task_type == "worker" and self.task_id == 0 and not self.cluster_has_chief_task

    @property
    def scratch_name(self) -> str:
        return f".{self.task_type}-{self.task_id}-scratch"


def cluster_from_env() -> dict | None:
    """The parsed `TF_CONFIG`, if it describes more than one task; otherwise None."""
    text = os.environ.get("TF_CONFIG", "").strip()
    if not text:
        return None
    try:
        spec = json.loads(text)
        cluster, task = spec["cluster"], spec["task"]
        task_type, task_id = task["type"], int(task["index"])
        tasks = {kind: list(addresses) for kind, addresses in cluster.items()}
    except (ValueError, KeyError, TypeError) as err:
        raise ValueError(f"TF_CONFIG is not a cluster spec ({err!r}); expected "
                         '{"cluster": {"worker": ["host:port", ...]}, '
                         '"task": {"type": "worker", "index": 0}}') from None
    if task_type not in tasks or not 0 <= task_id < len(tasks[task_type]):
        raise ValueError(f"TF_CONFIG task {task_type}:{task_id} is not in its cluster "
                         f"{sorted(tasks)}")
    if sum(len(a) for kind, a in tasks.items() if kind in ("chief", "worker")) < 2:
        return None
    return {"tasks": tasks, "task_type": task_type, "task_id": task_id}


def default_strategy() -> tf.distribute.Strategy:
    """MultiWorkerMirroredStrategy when `TF_CONFIG` names a cluster; else MirroredStrategy
    over all local GPUs; else the plain default strategy on one device.

    With a single device, MirroredStrategy computes the same thing as the
    default strategy but took 1.1x to 2x as long per step on our 2-core CPU
    (the bench of commit aaefeea, docs/speed.md), so it is used only when there
    is something to mirror over.
    """
    if cluster_from_env() is not None:
        strategy = tf.distribute.MultiWorkerMirroredStrategy()
    else:
        gpus = tf.config.list_logical_devices("GPU")
        if len(gpus) > 1:
            strategy = tf.distribute.MirroredStrategy([d.name for d in gpus])
        else:
            strategy = tf.distribute.get_strategy()
    name = ("MultiWorkerMirroredStrategy"  # its class is called CollectiveAllReduceStrategy
            if isinstance(strategy, tf.distribute.MultiWorkerMirroredStrategy)
            else type(strategy).__name__)
    logging.info("Strategy: %s with %d replica(s)", name, strategy.num_replicas_in_sync)
    return strategy


def worker_role(strategy: tf.distribute.Strategy) -> WorkerRole:
    if not isinstance(strategy, tf.distribute.MultiWorkerMirroredStrategy):
        return WorkerRole()
    resolver = strategy.cluster_resolver
    spec = resolver.cluster_spec().as_dict()
    return WorkerRole(task_type=resolver.task_type, task_id=int(resolver.task_id),
                      num_workers=len(spec.get("worker", [])) + len(spec.get("chief", [])),
                      cluster_has_chief_task="chief" in spec)


def xla_usable(strategy: tf.distribute.Strategy, jit_compile: bool) -> bool:
    """`jit_compile`, unless replicas on CPUs must all-reduce: TensorFlow has no XLA
    collectives for CPU devices ("Collectives are not yet implemented for CPU devices
    when compiling with XLA")."""
    several = strategy.num_replicas_in_sync > 1
    if jit_compile and several and not tf.config.list_logical_devices("GPU"):
        logging.info("XLA off: %d replicas on CPU need collectives XLA cannot compile",
                     strategy.num_replicas_in_sync)
        return False
    return jit_compile
