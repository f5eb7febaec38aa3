"""SN-GAN: spectral normalization in the discriminator, hinge loss (Miyato et al. 2018).

Every convolution and dense layer of the discriminator is wrapped in
`keras.layers.SpectralNormalization`, which divides the kernel by its largest
singular value (estimated by one power iteration per step), bounding each
layer's Lipschitz constant by 1 without a penalty or clipping.
"""

from dataclasses import dataclass

from ganzoo.models.hyperparameters import Objective
from ganzoo.models.selectable import SelectableBodyModel, SelectableHyperparameters
from ganzoo.registry import register_family


@dataclass(frozen=True)
class SNGANHyperparameters(SelectableHyperparameters):
    loss: Objective = "hinge"


@register_family("sngan")
class SNGAN(SelectableBodyModel):
    Hyperparameters = SNGANHyperparameters
    reference_entry = "sngan_mnist"  # power-iteration state under replicas
    test_sizes = {"latent_dim": 8, "generator_filters": 4, "discriminator_filters": 4,
                  "generator_units": [16, 16], "discriminator_units": [16, 16]}
    discriminator_norm = "spectral"
