"""GAN families. Importing this package registers every family listed here."""

from ganzoo.models import cgan, cyclegan, dcgan, gan, pix2pix, progan, sngan, wgan, wgangp  # noqa: F401
from ganzoo.models.base import AdversarialModel

__all__ = ["AdversarialModel"]
