"""Evaluation metrics as pure functions of samples or activations."""

from ganzoo.metrics.modes import mixture_mode_statistics

__all__ = ["mixture_mode_statistics"]
