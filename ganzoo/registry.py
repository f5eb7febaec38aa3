"""Family registry: a family is a GAN model class registered under a short name.

Registration also makes the class serializable by Keras under the `ganzoo`
package, which is what lets `keras.saving.load_model(..., safe_mode=True)`
rebuild a whole GAN from its `.keras` file without executing any code.

This module only holds what was registered. `ganzoo.models` imports every family module
it contains (so the decorator is all a new family needs) and is where families are looked up:
`ganzoo.models.get_family(name)`.
"""

import keras

_FAMILIES: dict[str, type] = {}


def register_family(name: str):
    """Class decorator: `@register_family("dcgan")`."""

    def decorate(cls):
        if name in _FAMILIES:
            raise ValueError(f"GAN family '{name}' is registered twice")
        if "Hyperparameters" not in vars(cls):  # not one inherited from a base class
            raise TypeError(f"{cls.__name__} must define its own Hyperparameters dataclass")
        cls.family_name = name
        _FAMILIES[name] = keras.saving.register_keras_serializable(package="ganzoo")(cls)
        return cls

    return decorate


def registered() -> dict[str, type]:
    """The families registered so far, by name."""
    return dict(_FAMILIES)
