"""Networks for image-to-image translation: the U-Net generator and the PatchGAN discriminator.

Isola et al. 2017 ("pix2pix"), section 3.2 and appendix 6.1.1:
- U-Net: an encoder of stride-2 4x4 convolutions (LeakyReLU 0.2, no norm on
  the first layer), a decoder of stride-2 transposed convolutions (ReLU,
  dropout 0.5 on the three innermost layers), and skip connections that
  concatenate encoder layer i with decoder layer n - i, so low-level detail
  (outlines, positions) can pass straight through. tanh output.
- PatchGAN: a fully convolutional discriminator whose output is a map of
  logits, one per overlapping patch (70x70 receptive field with 3 stride-2
  layers), so it judges local texture and leaves global structure to the L1
  or cycle term.

Widths are capped by `max_filters`: the paper's 512 channels are for 256x256
photographs; on 64x64 emoji the zoo uses 32 -> 128, which keeps a model file
of a few MB and a CPU step time of a fraction of a second.

Zhu et al. 2017 (CycleGAN) use the same PatchGAN and instance norm; their
generator is a ResNet (Johnson et al. 2016; appendix 7.2: c7s1-64, d128, d256,
six or nine R256 blocks, u128, u64, c7s1-3, reflection padding), and a U-Net is
their code's documented alternative (`--netG unet_*`). Both are here
(`model.generator`); the zoo's entries started with the U-Net.
"""

import keras
from keras import layers, ops

from ganzoo.nn import blocks

NORMS = ("batch", "instance", "none")
UPSAMPLINGS = ("transpose", "resize")


def normalization(kind: str, name: str):
    """Batch norm, or instance norm (group norm with one group per channel)."""
    if kind == "batch":
        return blocks.batch_norm(name)
    if kind == "instance":
        return layers.GroupNormalization(groups=-1, epsilon=1e-5, name=name)
    if kind == "none":
        return layers.Identity(name=name)
    raise ValueError(f"norm must be one of {NORMS}, got {kind!r}")


def max_depth(size: int) -> int:
    """How many stride-2 stages an image of `size` pixels allows (down to 1x1)."""
    depth = 0
    while size % 2 == 0 and size > 1:
        size //= 2
        depth += 1
    return depth


def unet_generator(image_shape, *, filters=32, max_filters=128, depth=5, norm="batch",
                   dropout=0.5, residual=False, upsampling="transpose",
                   name="generator") -> keras.Model:
    """(B, H, W, C) images in [-1, 1] -> (B, H, W, C) images in [-1, 1].

    `residual`: the network predicts a change to its input (in [-2, 2]) and the
    output is input + change, clipped to [-1, 1]. The U-Net's finest skip is at
    half resolution, so a plain U-Net must redraw every pixel it keeps; a
    residual one starts as the identity and spends its capacity on what differs
    (outlines, palette). Where the target is unpredictable from the input, the
    L1 term then leaves the input in place instead of drawing a confident guess.

    `upsampling="resize"`: each decoder stage is a nearest-neighbour 2x resize and a
    3x3 convolution instead of a stride-2 transposed convolution (Odena et al.
    2016, "Deconvolution and Checkerboard Artifacts"). A transposed convolution
    paints a periodic dot pattern unless its weights learn to cancel it, and a
    discriminator with small patches does not punish the pattern enough to make them.
    """
    if upsampling not in UPSAMPLINGS:
        raise ValueError(f"upsampling must be one of {UPSAMPLINGS}, got {upsampling!r}")
    height, width, channels = image_shape
    if depth < 2 or depth > min(max_depth(height), max_depth(width)):
        raise ValueError(f"a U-Net on {height}x{width} images allows depth 2.."
                         f"{min(max_depth(height), max_depth(width))}, got {depth}")
    inputs = keras.Input(image_shape, name="images")
    x = inputs
    skips = []
    for i in range(depth):
        x = layers.Conv2D(min(filters * 2**i, max_filters), 4, strides=2, padding="same",
                          use_bias=i == 0 or norm == "none",
                          kernel_initializer=blocks.dcgan_init(), name=f"enc{i}")(x)
        if i > 0:
            x = normalization(norm, f"enc{i}_norm")(x)
        x = blocks.leaky_relu(f"enc{i}_lrelu")(x)
        skips.append(x)
    for i in reversed(range(depth - 1)):  # decoder layer i mirrors encoder layer i
        x = _upsample(x, min(filters * 2**i, max_filters), upsampling, use_bias=norm == "none",
                      name=f"dec{i}")
        x = normalization(norm, f"dec{i}_norm")(x)
        if dropout and i >= depth - 4:  # the three innermost decoder layers
            x = layers.Dropout(dropout, name=f"dec{i}_dropout")(x)
        x = layers.ReLU(name=f"dec{i}_relu")(x)
        x = layers.Concatenate(name=f"skip{i}")([x, skips[i]])
    x = _upsample(x, channels, upsampling, use_bias=True, name="to_image")
    return _image_output(inputs, x, residual, name)


@keras.saving.register_keras_serializable(package="ganzoo")
class ReflectionPad(keras.layers.Layer):
    """Pad height and width by `size` pixels, mirrored: the ResNet generator's padding,
    so the border of a white-background image is not drawn against zeros (mid-grey)."""

    def __init__(self, size, **kwargs):
        super().__init__(**kwargs)
        self.size = int(size)

    def call(self, x):
        pad = self.size
        return ops.pad(x, [[0, 0], [pad, pad], [pad, pad], [0, 0]], mode="reflect")

    def get_config(self):
        return {**super().get_config(), "size": self.size}


def _reflect_conv(x, filters, kernel, *, use_bias, name):
    x = ReflectionPad(kernel // 2, name=f"{name}_pad")(x)
    return layers.Conv2D(filters, kernel, use_bias=use_bias,
                         kernel_initializer=blocks.dcgan_init(), name=name)(x)


def resnet_generator(image_shape, *, filters=64, max_filters=256, blocks_count=6,
                     norm="instance", dropout=0.0, residual=False, upsampling="transpose",
                     name="generator") -> keras.Model:
    """CycleGAN's generator: a 7x7 convolution, two stride-2 downsamplings, `blocks_count`
    residual blocks at a quarter of the resolution, two upsamplings and a 7x7 convolution to
    the image. Unlike the U-Net it has no skip at full resolution: everything it keeps of its
    input passes through the residual blocks, which is what lets it change shapes (a
    horse's stripes, an emoji's outline) instead of mostly copying. `residual` and
    `upsampling` as `unet_generator`'s."""
    if upsampling not in UPSAMPLINGS:
        raise ValueError(f"upsampling must be one of {UPSAMPLINGS}, got {upsampling!r}")
    if blocks_count < 1:
        raise ValueError(f"a ResNet generator needs at least one block, got {blocks_count}")
    channels = image_shape[-1]
    use_bias = norm == "none"
    inputs = keras.Input(image_shape, name="images")
    x = _reflect_conv(inputs, min(filters, max_filters), 7, use_bias=use_bias, name="stem")
    x = layers.ReLU(name="stem_relu")(normalization(norm, "stem_norm")(x))
    for i in (1, 2):
        x = layers.Conv2D(min(filters * 2**i, max_filters), 3, strides=2, padding="same",
                          use_bias=use_bias, kernel_initializer=blocks.dcgan_init(),
                          name=f"down{i}")(x)
        x = layers.ReLU(name=f"down{i}_relu")(normalization(norm, f"down{i}_norm")(x))
    width = x.shape[-1]
    for i in range(blocks_count):
        y = _reflect_conv(x, width, 3, use_bias=use_bias, name=f"res{i}_conv1")
        y = layers.ReLU(name=f"res{i}_relu")(normalization(norm, f"res{i}_norm1")(y))
        if dropout:
            y = layers.Dropout(dropout, name=f"res{i}_dropout")(y)
        y = _reflect_conv(y, width, 3, use_bias=use_bias, name=f"res{i}_conv2")
        x = layers.Add(name=f"res{i}_add")([x, normalization(norm, f"res{i}_norm2")(y)])
    for i in (1, 0):
        x = _upsample(x, min(filters * 2**i, max_filters), upsampling, use_bias=use_bias,
                      name=f"up{i}")
        x = layers.ReLU(name=f"up{i}_relu")(normalization(norm, f"up{i}_norm")(x))
    x = _reflect_conv(x, channels, 7, use_bias=True, name="to_image")
    return _image_output(inputs, x, residual, name)


def _image_output(inputs, x, residual, name) -> keras.Model:
    """tanh to an image, or (`residual`) input + 2 tanh(x), clipped to [-1, 1]."""
    if not residual:
        outputs = layers.Activation("tanh", name="translated", dtype="float32")(x)
        return keras.Model(inputs, outputs, name=name)
    change = layers.Activation("tanh", name="change_tanh", dtype="float32")(x)
    change = layers.Rescaling(2.0, name="change")(change)
    return keras.Model(inputs, _clip_to_unit_range(layers.Add(name="input_plus_change")(
        [inputs, change])), name=name)


def _upsample(x, filters, upsampling, *, use_bias, name):
    """Double the resolution: a 4x4 stride-2 transposed convolution (the paper's), or a
    nearest-neighbour resize and a 3x3 convolution (named `name`, its resize `name_resize`)."""
    if upsampling == "transpose":
        return layers.Conv2DTranspose(filters, 4, strides=2, padding="same", use_bias=use_bias,
                                      kernel_initializer=blocks.dcgan_init(), name=name)(x)
    x = layers.UpSampling2D(2, interpolation="nearest", name=f"{name}_resize")(x)
    return layers.Conv2D(filters, 3, padding="same", use_bias=use_bias,
                         kernel_initializer=blocks.dcgan_init(), name=name)(x)


def _clip_to_unit_range(x):
    """clip(x, -1, 1) from serializable layers (no Lambda, so `.keras` files load
    in safe mode): shift to [0, 2], ReLU capped at 2, shift back."""
    x = layers.Rescaling(1.0, offset=1.0, name="shift_up")(x)
    x = layers.ReLU(max_value=2.0, name="clip")(x)
    return layers.Rescaling(1.0, offset=-1.0, name="translated", dtype="float32")(x)


def patch_discriminator(input_shape, *, filters=32, max_filters=256, num_layers=3,
                        norm="batch", name="discriminator") -> keras.Model:
    """(B, H, W, C') -> (B, H / 2^n, W / 2^n, 1) patch logits (C' = 2C when conditioned)."""
    inputs = keras.Input(input_shape, name="images")
    x = inputs
    for i in range(num_layers + 1):  # n stride-2 layers, then one stride-1 layer
        x = layers.Conv2D(min(filters * 2**i, max_filters), 4,
                          strides=2 if i < num_layers else 1, padding="same",
                          use_bias=i == 0 or norm == "none",
                          kernel_initializer=blocks.dcgan_init(), name=f"patch{i}")(x)
        if i > 0:
            x = normalization(norm, f"patch{i}_norm")(x)
        x = blocks.leaky_relu(f"patch{i}_lrelu")(x)
    logits = layers.Conv2D(1, 4, padding="same", kernel_initializer=blocks.dcgan_init(),
                           name="patch_logits", dtype="float32")(x)
    return keras.Model(inputs, logits, name=name)
