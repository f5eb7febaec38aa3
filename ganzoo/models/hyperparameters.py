"""What every noise-to-data family can set in its `[model]` table, and the checks that
reject combinations that cannot work, with the key named."""

from dataclasses import dataclass
from typing import Literal

from ganzoo.nn import diffaugment
from ganzoo.schema import ConfigError

Objective = Literal["non_saturating", "minimax", "wasserstein", "hinge", "least_squares",
                    "relativistic"]
UpdateOrder = Literal["alternating", "simultaneous"]


@dataclass(frozen=True)
class AdversarialHyperparameters:
    latent_dim: int = 100
    d_steps: int = 1  # discriminator updates per generator update (k in Goodfellow et al.)
    ema_decay: float = 0.999  # 0 disables the generator EMA
    # StyleGAN2-ADA's EMA instead of a fixed decay: a half-life in images (its 10,000 at batch
    # 32), capped at `ema_rampup` x the images seen, so it grows with the run (0 = off).
    ema_half_life_images: int = 0
    ema_rampup: float = 0.05
    loss: Objective = "non_saturating"  # a key of ganzoo.losses.OBJECTIVES
    label_smoothing: float = 0.0  # one-sided, on real targets (minimax/non_saturating only)
    pack: int = 1  # PacGAN: the discriminator judges `pack` samples jointly (Lin et al. 2018)
    augment: str = ""  # DiffAugment policy, e.g. "color,translation,cutout"
    # StyleGAN2-ADA (Karras et al. 2020): each transform of `augment` reaches an image with a
    # probability p that moves to hold E[sign(D(real))] at this target (ADA's 0.6), by at most
    # 1 per `augment_speed_images` images (ADA's 500,000 suits its runs of millions of images).
    augment_target: float = 0.0  # 0 disables it: every transform reaches every image
    augment_speed_images: int = 500_000
    # p never rises above this. Past about 0.8 ADA's paper sees augmentations leak into the
    # samples; the official R3GAN's fixed ramp ends at 0.3 (FFHQ-64). 1 = no cap.
    augment_max: float = 1.0
    # What r_t reads: "real", E[sign(D(real))] as ADA defines it; "margin", the sign of
    # D(real) - D(fake), which under the relativistic loss early on only says D is ahead
    # (it drove r3gan_twemoji v3's p to 1). "auto": margin for the relativistic loss.
    augment_signal: Literal["auto", "real", "margin"] = "auto"
    # Where DiffAugment's translation moves pixels in from outside the image: "zeros" (the
    # paper's; mid-grey in [-1, 1] on white-background data), "reflect" (the official
    # R3GAN's and StyleGAN2-ADA's padding) or "border" (the edge pixel repeated).
    augment_fill: Literal["zeros", "reflect", "border"] = "zeros"
    # The generator's step reads a real batch of its own (the official R3GAN's) instead of
    # the discriminator's last one; it matters to losses that pair fakes with reals.
    fresh_generator_batch: bool = False
    # Top-k training (Sinha et al. 2020): G learns from the best-scored share of its
    # fakes, annealed from 1 by x0.99 every `top_k_period` G steps down to `top_k`.
    top_k: float = 1.0  # 1 disables it; the paper uses 0.5-0.75
    top_k_period: int = 1000
    # InfoGAN (Chen et al. 2016): z's first coordinate carries a uniform code of this many
    # categories, which a network Q must read back from the sample (ganzoo.nn.latent_code).
    latent_categories: int = 0  # 0 disables it; infogan_grid25 uses 50 for its 25 modes
    info_weight: float = 1.0  # lambda, on the generator's and Q's side (the paper's 1)
    # R1 (Mescheder et al. 2018): gamma / 2 * E||grad D(x_real)||^2 added to D's loss.
    r1_gamma: float = 0.0  # 0 disables it; the paper uses 10 for most of its data sets
    # R2 (same paper): the same penalty at the generated images. R3GAN uses both, with one gamma.
    r2_gamma: float = 0.0  # 0 disables it
    # Both gammas fall along a cosine to this share of their value at `gamma_decay_steps`
    # generator steps and stay there (R3GAN's gamma schedule; 1 keeps them constant).
    gamma_final_share: float = 1.0
    gamma_decay_steps: int = 0
    # Self-conditioned GAN (Liu et al. 2020): the training images are split into this many
    # k-means clusters (ganzoo.datasets.clusters), and both networks are conditioned on the
    # cluster as a conditional GAN is on classes: z's first coordinate carries it (drawn with
    # the clusters' shares), and the discriminator has one output per cluster.
    self_conditioning: int = 0  # 0 disables it
    # "alternating": D steps, then G on a fresh fake batch (Goodfellow et al. 2014).
    # "simultaneous": one fake batch, both gradients from the same networks, as the
    # TensorFlow DCGAN tutorial's step does; a third cheaper per step, d_steps must be 1.
    update: UpdateOrder = "alternating"

    def __post_init__(self):
        if self.latent_dim <= 0:
            raise ConfigError(f"model.latent_dim must be positive, got {self.latent_dim}")
        if self.d_steps < 1:
            raise ConfigError(f"model.d_steps must be at least 1, got {self.d_steps}")
        if not 0.0 <= self.ema_decay < 1.0:
            raise ConfigError(f"model.ema_decay must be in [0, 1), got {self.ema_decay}")
        if self.ema_half_life_images < 0:
            raise ConfigError(f"model.ema_half_life_images must be >= 0 (0 = off), got "
                              f"{self.ema_half_life_images}")
        if self.ema_half_life_images and not self.ema_decay:
            raise ConfigError("model.ema_half_life_images sets the EMA's decay: set "
                              "model.ema_decay > 0 to keep an EMA generator")
        if not 0.0 <= self.ema_rampup <= 1.0:
            raise ConfigError(f"model.ema_rampup must be in [0, 1], got {self.ema_rampup}")
        if self.pack < 1:
            raise ConfigError(f"model.pack must be at least 1, got {self.pack}")
        if self.label_smoothing and self.loss not in ("minimax", "non_saturating"):
            raise ConfigError(f"model.label_smoothing applies to cross-entropy losses, not "
                              f"'{self.loss}'")
        if self.update not in ("alternating", "simultaneous"):
            raise ConfigError(f"model.update must be 'alternating' or 'simultaneous', "
                              f"got {self.update!r}")
        if self.update == "simultaneous" and self.d_steps != 1:
            raise ConfigError(f"model.update = 'simultaneous' needs model.d_steps = 1, "
                              f"got {self.d_steps}")
        if not 0.0 < self.top_k <= 1.0:
            raise ConfigError(f"model.top_k must be in (0, 1], got {self.top_k}")
        if self.top_k_period < 1:
            raise ConfigError(f"model.top_k_period must be at least 1, got {self.top_k_period}")
        if self.latent_categories == 1 or self.latent_categories < 0:
            raise ConfigError(f"model.latent_categories must be 0 (off) or >= 2, "
                              f"got {self.latent_categories}")
        if self.latent_categories and self.latent_dim < 2:
            raise ConfigError(f"model.latent_categories needs model.latent_dim >= 2 (the code "
                              f"takes z's first coordinate), got {self.latent_dim}")
        if self.info_weight < 0:
            raise ConfigError(f"model.info_weight must be >= 0, got {self.info_weight}")
        if self.r1_gamma < 0:
            raise ConfigError(f"model.r1_gamma must be >= 0 (0 = off), got {self.r1_gamma}")
        if self.r2_gamma < 0:
            raise ConfigError(f"model.r2_gamma must be >= 0 (0 = off), got {self.r2_gamma}")
        if not 0.0 <= self.gamma_final_share <= 1.0:
            raise ConfigError(f"model.gamma_final_share must be in [0, 1], "
                              f"got {self.gamma_final_share}")
        if self.gamma_final_share < 1.0 and self.gamma_decay_steps <= 0:
            raise ConfigError("model.gamma_final_share < 1 needs model.gamma_decay_steps > 0 "
                              "(the generator steps over which gamma falls)")
        if self.self_conditioning == 1 or self.self_conditioning < 0:
            raise ConfigError(f"model.self_conditioning must be 0 (off) or >= 2 clusters, "
                              f"got {self.self_conditioning}")
        if self.self_conditioning and self.latent_categories:
            raise ConfigError("model.self_conditioning and model.latent_categories both read z's "
                              "first coordinate; pick one")
        if self.self_conditioning and self.pack > 1:
            raise ConfigError("model.self_conditioning: a pack mixes samples of different "
                              "clusters, so it cannot be judged as one cluster; set model.pack = 1")
        if self.self_conditioning and self.latent_dim < 2:
            raise ConfigError(f"model.self_conditioning needs model.latent_dim >= 2 (the cluster "
                              f"takes z's first coordinate), got {self.latent_dim}")
        try:
            diffaugment.parse_policy(self.augment)
        except ValueError as err:
            raise ConfigError(f"model.augment: {err}") from None
        if not 0.0 <= self.augment_target < 1.0:
            raise ConfigError(f"model.augment_target must be in [0, 1) (0 = off; ADA uses 0.6), "
                              f"got {self.augment_target}")
        if self.augment_target and not self.augment:
            raise ConfigError("model.augment_target adapts how often model.augment's transforms "
                              "apply: set model.augment too")
        if self.augment_signal not in ("auto", "real", "margin"):
            raise ConfigError(f"model.augment_signal must be 'auto', 'real' or 'margin', got "
                              f"{self.augment_signal!r}")
        if self.augment_fill not in diffaugment.FILLS:
            raise ConfigError(f"model.augment_fill must be one of {', '.join(diffaugment.FILLS)}, "
                              f"got {self.augment_fill!r}")
        if not 0.0 < self.augment_max <= 1.0:
            raise ConfigError(f"model.augment_max must be in (0, 1], got {self.augment_max}")
        if self.augment_speed_images < 1:
            raise ConfigError(f"model.augment_speed_images must be at least 1, "
                              f"got {self.augment_speed_images}")
