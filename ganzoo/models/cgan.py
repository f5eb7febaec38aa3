"""Conditional GAN (Mirza & Osindero 2014) on DCGAN bodies.

The class label conditions both networks, as in the paper: the generator sees
[z, one_hot(y)]; the discriminator sees the image with one_hot(y) broadcast
as extra channels, so it can reject a good digit of the wrong class.
"""

import keras
from keras import layers

from ganzoo.models.base import AdversarialModel
from ganzoo.models.dcgan import DCGANHyperparameters
from ganzoo.nn import bodies
from ganzoo.registry import register_family


@register_family("cgan")
class CGAN(AdversarialModel):
    Hyperparameters = DCGANHyperparameters
    reference_entry = "cgan_mnist"
    test_sizes = {"latent_dim": 8, "generator_filters": 4, "discriminator_filters": 4}
    conditional = True

    def _one_hot(self, labels):
        return layers.CategoryEncoding(self.num_classes, output_mode="one_hot",
                                       name="one_hot")(labels)

    def build_generator(self, name="generator"):
        labels = keras.Input((), dtype="int32", name="labels")
        z = keras.Input((self.hparams.latent_dim,), name="z")
        x = layers.Concatenate(name="z_and_label")([z, self._one_hot(labels)])
        return bodies.conv_generator({"labels": labels, "z": z}, x, self.image_shape,
                                     self.hparams.generator_filters,
                                     kernel_size=self.hparams.kernel_size, name=name)

    def build_discriminator(self, name="discriminator"):
        height, width, _ = self.image_shape
        images = keras.Input(self.image_shape, name="images")
        labels = keras.Input((), dtype="int32", name="labels")
        label_maps = layers.Reshape((1, 1, self.num_classes), name="label_pixel")(
            self._one_hot(labels)
        )
        label_maps = layers.UpSampling2D((height, width), name="label_maps")(label_maps)
        x = layers.Concatenate(name="image_and_label")([images, label_maps])
        return bodies.conv_discriminator({"images": images, "labels": labels}, x, height,
                                         self.hparams.discriminator_filters,
                                         kernel_size=self.hparams.kernel_size,
                                         dropout=self.hparams.discriminator_dropout, name=name)
