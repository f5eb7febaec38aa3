"""What every adversarial model shares, whether it maps noise or images to images.

- `compile(d_optimizer=..., g_optimizer=...)` builds both optimizers on their
  variables immediately, inside whatever strategy scope is active. Keras would
  otherwise create optimizer slots lazily inside the first distributed step,
  which fails under `MirroredStrategy`.
- `replica_share`: Keras sums gradients over replicas, and built-in Keras
  losses divide by the replica count for that reason. Our losses are plain
  means, so every family divides them here, once.
- Mean trackers named by the subclass, reset by Keras between epochs.
- `step_key`: the seed of each random draw in a train step, from both optimizers' step
  counters, so a resumed run draws what the uninterrupted run would have drawn.
- No symbolic build in `fit`: everything is built before it (see
  `_maybe_symbolic_build`).
- `compile_from_config` is a no-op: training state travels in checkpoints
  (`ganzoo.training`), never in `.keras` files.
"""

import dataclasses

import keras
import tensorflow as tf

from ganzoo import schedules
from ganzoo.nn import step_random
from ganzoo.schema import TrainConfig, build_dataclass
from ganzoo.training.distribute import worker_role


class TwoPlayerModel(keras.Model):
    """A generator side and a discriminator side, each with its own optimizer."""

    tracked_metrics: tuple[str, ...] = ()
    # True when the networks in use follow the step count (ProGAN's growing): a run cannot
    # begin from another run's weights with its count back at 0 (`--init_from`).
    grows_with_step = False
    conditional = False  # True when both networks take class labels
    translation = False  # True when the model maps images of domain A to B (pairs of sets)

    # What a family declares for the zoo's tools and tests, so that adding a family is its
    # module and an entry config. The registry-parametrized tests, the N-replica test and the
    # bench read these; nothing lists the families.
    reference_entry = ""  # the zoo entry that shows the family: the bench and N-replica test
    test_sizes: dict = {}  # model.* values that shrink it to a few thousand weights, for tests
    # model.* values under which N replicas must train exactly like one device: random
    # per-example choices that depend on how a batch is split are switched off (tested on
    # their own elsewhere); and the SGD rate and weight tolerance of that test
    replica_settings: dict = {}
    replica_learning_rate = 0.05
    replica_tolerance = 5e-4

    @classmethod
    def conditional_for(cls, hparams) -> bool:
        """Whether a model with these [model] settings takes class labels: the family's
        `conditional` for most; a family that can be either reads a setting (r3gan's
        `model.conditional`). Asked before any data is read, to prepare class folders."""
        return cls.conditional

    @classmethod
    def test_overrides(cls, levels: int = 2) -> dict:
        """`test_sizes` as config overrides. `levels`: resolution levels, for a family that
        grows (ProGAN); the others ignore it."""
        return {f"model.{key}": value for key, value in cls.test_sizes.items()}

    def __init__(self, hparams, image_shape, num_classes=None, class_names=None, **kwargs):
        """`hparams`: the family's Hyperparameters, or a dict of them (a saved config), checked
        like an entry's [model] table. `class_names`: the names of the label indices (a user's
        class folders), so `sample` takes names."""
        super().__init__(**kwargs)
        if not isinstance(hparams, self.Hyperparameters):
            hparams = build_dataclass(self.Hyperparameters, hparams, type(self).__name__, "model")
        self.hparams = hparams
        self.conditional = type(self).conditional_for(hparams)
        self.image_shape = tuple(int(d) for d in image_shape)
        self.num_classes = int(num_classes) if num_classes else None
        self.class_names = tuple(class_names) if class_names else None
        if self.class_names and len(self.class_names) != self.num_classes:
            raise ValueError(f"{len(self.class_names)} class names for {self.num_classes} classes")
        self.d_optimizer = None
        self.g_optimizer = None
        self._trackers = {name: keras.metrics.Mean(name=name) for name in self.tracked_metrics}

    # The variables each optimizer owns; families with several networks per side override.
    @property
    def generator_variables(self):
        return self.generator.trainable_variables

    @property
    def discriminator_variables(self):
        return self.discriminator.trainable_variables

    def fit(self, x=None, *args, shuffle=False, **kwargs):
        """The zoo's pipelines shuffle by (seed, step) themselves; Keras' default
        `shuffle=True` does nothing for a `tf.data.Dataset` except warn on every run."""
        return super().fit(x, *args, shuffle=shuffle, **kwargs)

    def compile(self, d_optimizer=None, g_optimizer=None, **kwargs):
        """Attach and build both optimizers (by default those of the [train] defaults).

        `model.optimizer` is the generator's optimizer, so Keras callbacks that
        count `model.optimizer.iterations` count generator steps = train steps.
        """
        defaults = TrainConfig()
        self.d_optimizer = d_optimizer or make_optimizer(defaults, defaults.d_learning_rate)
        self.g_optimizer = g_optimizer or make_optimizer(defaults, defaults.g_learning_rate)
        kwargs.setdefault("jit_compile", False)
        super().compile(optimizer=self.g_optimizer, **kwargs)
        self.d_optimizer.build(self.discriminator_variables)
        self.g_optimizer.build(self.generator_variables)

    def _maybe_symbolic_build(self, iterator=None, data_batch=None):
        """Skip Keras' build-by-tracing at the start of `fit`, as Keras itself does
        without a strategy.

        Under a strategy, Keras 3 reads one batch and all-reduces it to trace an
        unbuilt model; MultiWorkerMirroredStrategy cannot reduce our dict batches
        (keras-team/keras#20329), and tracing the model's `call` on training batches
        means nothing for a GAN. Networks and both optimizers are built before `fit`.
        """

    def get_config(self):
        """What rebuilds the model (`from_config` passes it to `__init__`): the weights come
        from the file, everything else from the hyperparameters and the data's shape."""
        return {"name": self.name, "hparams": dataclasses.asdict(self.hparams),
                "image_shape": list(self.image_shape), "num_classes": self.num_classes,
                "class_names": list(self.class_names) if self.class_names else None}

    def compile_from_config(self, config):
        """Training state travels in checkpoints (ganzoo.training), not in `.keras` files."""

    def add_tracker(self, name):
        """A mean tracker for a log that only some configurations produce (an option's loss)."""
        self._trackers[name] = keras.metrics.Mean(name=name)

    @property
    def metrics(self):
        return list(self._trackers.values())

    def track(self, **values):
        for name, value in values.items():
            self._trackers[name].update_state(value)

    def results(self) -> dict:
        """This step's logs. Across several workers Keras averages each log with
        `strategy.reduce("MEAN", value, axis=0)`, which needs an axis to reduce,
        so there each scalar travels as shape (1,) and arrives as a scalar."""
        values = {name: tracker.result() for name, tracker in self._trackers.items()}
        if worker_role(tf.distribute.get_strategy()).num_workers > 1:
            values = {name: tf.reshape(value, [1]) for name, value in values.items()}
        return values

    @staticmethod
    def start_step_draws():
        """Call first in `train_step`: its draws are numbered from 1 in every trace, so a
        retrace, the trace of a resumed run and every replica's trace key each draw alike."""
        step_random.begin_step()

    def step_key(self) -> tf.Tensor:
        """The seed of the next random draw of this train step (`nn.step_random`)."""
        return step_random.next_seed(*[opt.iterations if opt is not None else 0
                                       for opt in (self.g_optimizer, self.d_optimizer)])

    @staticmethod
    def replica_share(loss):
        return loss / tf.distribute.get_strategy().num_replicas_in_sync

    @staticmethod
    def descend(optimizer, tape, loss, variables):
        """One optimizer step on this replica's share of `loss`; returns the gradients."""
        grads = tape.gradient(loss, variables)
        optimizer.apply_gradients(zip(grads, variables))
        return grads


def make_optimizer(train: TrainConfig, learning_rate: float, updates_per_step=1):
    """The configured optimizer. A decaying rate is a function of the optimizer's own
    iteration count, which checkpoints hold, so a resumed run continues the schedule;
    the discriminator's optimizer counts `updates_per_step` updates per step. The schedule
    runs over `train.schedule_steps`: the run, or the horizon its entry names in images."""
    decay_steps = train.schedule_steps * updates_per_step
    if train.lr_decay == "linear":
        learning_rate = keras.optimizers.schedules.PolynomialDecay(
            learning_rate, decay_steps=decay_steps, end_learning_rate=0.0)
    elif train.lr_decay == "cosine":
        learning_rate = keras.optimizers.schedules.CosineDecay(
            learning_rate, decay_steps=decay_steps, alpha=train.lr_final_share)
    if train.optimizer == "rmsprop":
        return keras.optimizers.RMSprop(learning_rate)
    if train.beta_2_final:
        return CosineBeta2Adam(learning_rate, beta_1=train.beta_1, beta_2=train.beta_2,
                               beta_2_final=train.beta_2_final, decay_steps=decay_steps)
    return keras.optimizers.Adam(learning_rate, beta_1=train.beta_1, beta_2=train.beta_2)


class CosineBeta2Adam(keras.optimizers.Adam):
    """Adam whose beta_2 moves along a cosine from its first value to `beta_2_final` over
    `decay_steps` of its own iterations, then stays: R3GAN's beta_2 schedule (0.9 -> 0.99, a
    longer memory of squared gradients as training settles). Keras' Adam reads `self.beta_2`
    at every update, so the schedule is this property; the iteration count comes from the
    checkpoint, so a resumed run continues it."""

    def __init__(self, learning_rate, *, beta_2_final, decay_steps, **kwargs):
        super().__init__(learning_rate, **kwargs)
        self.beta_2_final, self.decay_steps = float(beta_2_final), int(decay_steps)

    @property
    def beta_2(self):
        return schedules.cosine(self.iterations, self.decay_steps, self.beta_2_start,
                                self.beta_2_final)

    @beta_2.setter
    def beta_2(self, value):
        self.beta_2_start = float(value)
