"""What R3GAN's step is made of on this machine: the grouped 3x3 convolution three ways, the
step with the entry's blocks against the paper's grouped, expanded ones, and the step with R1
and R2, R1 alone and neither (`python -m ganzoo.bench --sections r3gan`)."""

import time

import keras
import tensorflow as tf

from ganzoo.bench import throughput
from ganzoo.nn import resnext

# The twemoji generator's 32x32 stage: 32 channels widened to 64, in 4 groups of 16.
GROUPED_SHAPE = (32, 32, 32, 64)  # batch, height, width, channels
GROUPS = 4


def _forward_backward_ms(layer, x, repeats: int) -> float:
    @tf.function(jit_compile=True)
    def step(x):
        with tf.GradientTape() as tape:
            tape.watch(x)
            loss = tf.reduce_sum(tf.square(layer(x)))
        return tape.gradient(loss, [x, *layer.trainable_variables])

    step(x)
    start = time.perf_counter()
    for _ in range(repeats):
        step(x)
    return 1000 * (time.perf_counter() - start) / repeats


def grouped_convolution(repeats: int = 10) -> list[dict]:
    """Forward and backward of one 3x3 convolution in GROUPS groups under XLA: Keras'
    `Conv2D(groups=G)`, our split-and-concatenate (`resnext.GroupedConv2D`), and the dense 3x3
    of the same weight count (channels / sqrt(G)) for what the group structure costs."""
    x = tf.random.stateless_normal(GROUPED_SHAPE, seed=(0, 0))
    channels = GROUPED_SHAPE[-1]
    dense_width = int(channels / GROUPS**0.5)
    candidates = {  # name: (layer, its input)
        "keras Conv2D(groups)": (
            keras.layers.Conv2D(channels, 3, padding="same", groups=GROUPS), x),
        "split and concatenate (ganzoo)": (resnext.GroupedConv2D(channels, GROUPS), x),
        f"dense 3x3, {dense_width} channels (same weights)": (
            keras.layers.Conv2D(dense_width, 3, padding="same"), x[..., :dense_width]),
    }
    rows = []
    for name, (layer, inputs) in candidates.items():
        rows.append({"implementation": name, "shape": "x".join(map(str, inputs.shape)),
                     "forward_backward_ms": round(_forward_backward_ms(layer, inputs, repeats),
                                                  1)})
    return rows


# r3gan_twemoji's own blocks against the paper's layout at its widths: 16 channels a group,
# the bottleneck widened twice.
BLOCK_SETTINGS = {"the entry's blocks (as configured)": {},
                  "the paper's: cardinality 16, 16, 8, 4, 2; expansion 2": {
                      "model.cardinality": [16, 16, 8, 4, 2], "model.expansion": 2}}
PENALTY_SETTINGS = {"R1 + R2 (the entry)": {},
                    "R1 only": {"model.r2_gamma": 0.0},
                    "neither": {"model.r1_gamma": 0.0, "model.r2_gamma": 0.0}}


def step_costs(entry: str, settings: dict, steps: int, warmup: int) -> list[dict]:
    """The entry's training step under each of `settings` ({label: overrides})."""
    rows = []
    for label, overrides in settings.items():
        row = throughput.entry_images_per_second(entry, None, steps, warmup, overrides)
        rows.append({"variant": label, **row})
    return rows
