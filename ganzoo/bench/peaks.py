"""How close a training step comes to what this machine's matrix units can do.

- the machine's matmul peak in float32 and in bfloat16: one 4096 x 4096 product, the shape
  the issue measured (319 and 1,275 GFLOP/s on an Intel Xeon with AMX; a CPU without AMX or
  AVX-512 BF16 gains nothing from bfloat16, and may lose);
- each entry's training step in both precisions: its FLOPs, counted from the step's graph by
  TensorFlow's profiler (the registered costs of the convolutions and products, their
  gradients included), divided by its measured time, as a share of the peak in that precision.

A small share says the step is bound by something else than multiply-adds: elementwise ops,
casts, layout changes and kernels that small channel counts starve.
`profile.op_time_by_precision` shows which, from TensorFlow's profiler: the step's op time per
op type in float32 and in bfloat16, without XLA (whose fused clusters hide the op types).
"""

import time

import tensorflow as tf

MATMUL_SIZE = 4096


def matmul_gflops(dtype: str, size: int = MATMUL_SIZE, repeats: int = 10) -> float:
    """GFLOP/s of one size x size product in `dtype`, best of `repeats` after a warm-up."""
    a = tf.cast(tf.random.stateless_normal((size, size), seed=(0, 1)), dtype)
    b = tf.cast(tf.random.stateless_normal((size, size), seed=(2, 3)), dtype)
    product = tf.function(lambda a, b: tf.reduce_sum(tf.cast(tf.matmul(a, b)[0, :1], "float32")))
    product(a, b).numpy()
    best = float("inf")
    for _ in range(repeats):
        start = time.perf_counter()
        product(a, b).numpy()
        best = min(best, time.perf_counter() - start)
    return 2 * size**3 / best / 1e9


def train_step_flops(model, batches) -> int:
    """Floating-point operations of one `model.train_step` on a batch of `batches`, from its
    graph (the discriminator's and the generator's updates, forward and backward)."""
    from tensorflow.python.profiler import model_analyzer, option_builder

    step = tf.function(model.train_step).get_concrete_function(batches.element_spec)
    options = option_builder.ProfileOptionBuilder.float_operation()
    options["output"] = "none"
    return int(model_analyzer.profile(step.graph, options=options).total_float_ops)


def achieved(row: dict, flops_per_step: int, peaks: dict) -> dict:
    """A throughput row with its GFLOP/s and their share of the peak in its precision."""
    gflops = flops_per_step / row["seconds_per_step"] / 1e9
    peak = peaks["bfloat16" if "bfloat16" in row["setting"] else "float32"]
    return {**row, "gflop_per_step": round(flops_per_step / 1e9, 2),
            "achieved_gflops": round(gflops, 1), "share_of_peak": f"{gflops / peak:.1%}"}

