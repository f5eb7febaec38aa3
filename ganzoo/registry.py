"""Family registry: a family is a GAN model class registered under a short name.

Registration also makes the class serializable by Keras under the `ganzoo`
package, which is what lets `keras.saving.load_model(..., safe_mode=True)`
rebuild a whole GAN from its `.keras` file without executing any code.
"""

import keras

_FAMILIES: dict[str, type] = {}


def register_family(name: str):
    """Class decorator: `@register_family("dcgan")`."""

    def decorate(cls):
        if name in _FAMILIES:
            raise ValueError(f"GAN family '{name}' is registered twice")
        if not hasattr(cls, "Hyperparameters"):
            raise TypeError(f"{cls.__name__} must define a Hyperparameters dataclass")
        cls.family_name = name
        _FAMILIES[name] = keras.saving.register_keras_serializable(package="ganzoo")(cls)
        return cls

    return decorate


def get_family(name: str) -> type:
    _import_families()
    try:
        return _FAMILIES[name]
    except KeyError:
        raise KeyError(
            f"unknown GAN family '{name}'; known families: {', '.join(sorted(_FAMILIES))}"
        ) from None


def family_names() -> list[str]:
    _import_families()
    return sorted(_FAMILIES)


def _import_families():
    # Importing the package registers every family module it lists.
    import ganzoo.models  # noqa: F401
