"""Peak resident memory of training and of load + sample, each in a fresh process.

    python -m ganzoo.bench.memory train NAME     # 50 training steps of entry NAME
    python -m ganzoo.bench.memory sample NAME    # ganzoo.load(NAME).sample(1000)

Each prints its peak resident set (VmHWM) as JSON. A fresh process per
measurement, because the peak only grows within a process. VmHWM, not
`getrusage`: Linux carries `ru_maxrss` across `exec`, so a child started by a
large parent would report the parent's peak.
"""

import json
import subprocess
import sys
import tempfile


def peak_rss_mb(task: str, name: str) -> float:
    done = subprocess.run([sys.executable, "-m", "ganzoo.bench.memory", task, name],
                          capture_output=True, text=True, timeout=900)
    if done.returncode != 0:
        raise RuntimeError(f"memory measurement '{task} {name}' failed: {done.stderr[-2000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])["peak_rss_mb"]


def _train(name: str) -> None:
    from ganzoo import config
    from ganzoo.training import runner

    cfg = config.load_entry(name, {"train.steps": 50, "train.steps_per_epoch": 50})
    with tempfile.TemporaryDirectory() as workdir:
        runner.run(cfg, workdir=workdir, export_model=False, verbose=0)


def _sample(name: str) -> None:
    import ganzoo

    ganzoo.load(name).sample(1000, seed=0)


if __name__ == "__main__":
    task, entry = sys.argv[1], sys.argv[2]
    {"train": _train, "sample": _sample}[task](entry)
    status = dict(line.split(":", 1) for line in open("/proc/self/status") if ":" in line)
    peak_kb = int(status["VmHWM"].split()[0])
    print(json.dumps({"peak_rss_mb": round(peak_kb / 1024, 1)}))
