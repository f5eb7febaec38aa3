"""Networks that grow from 4x4 by doubling (R3GAN, FastGAN): how many resolutions an image
size has, and a per-resolution setting given as one value per resolution or one for all.
Both refuse what cannot work with the key named."""

from ganzoo.schema import ConfigError


def resolutions(image_shape, family: str, smallest: int = 4) -> int:
    """Resolutions from 4x4 to the image's size, which must be square, 4 x a power of 2 and at
    least `smallest`."""
    if len(image_shape) != 3 or image_shape[0] != image_shape[1]:
        raise ConfigError(f"{family} needs square images, got shape {image_shape}")
    size, count = image_shape[0], 1
    while size > 4 and size % 2 == 0:
        size, count = size // 2, count + 1
    if size != 4 or image_shape[0] < smallest:
        floor = f" to at least {smallest}" if smallest > 4 else ""
        raise ConfigError(f"{family} grows from 4x4 by doubling{floor}: image size "
                          f"{image_shape[0]} is not 4 x a power of 2{floor and ' that large'} "
                          f"(set data.image_size, or data.padding for 28 -> 32)")
    return count


def per_resolution(hparams, key: str, count: int, what: str = "stages (4x4 up to the image "
                   "size)") -> list[int]:
    """`hparams.<key>` for each of `count` resolutions (one value stands for all)."""
    values = list(getattr(hparams, key))
    if len(values) == 1:
        return values * count
    if len(values) != count:
        raise ConfigError(f"model.{key} has {len(values)} values for {count} {what}: give "
                          f"{count} or one")
    return values


def check_positive_lists(hparams, keys) -> None:
    for key in keys:
        values = getattr(hparams, key)
        if not values or min(values) < 1:
            raise ConfigError(f"model.{key} must be a list of positive integers, got "
                              f"{list(values)}")
