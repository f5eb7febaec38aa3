"""Evaluation metrics as pure functions of samples or activations."""

from ganzoo.metrics.modes import mixture_mode_statistics
from ganzoo.metrics.translation import dark_share, mean_l1, psnr, ssim, translation_report

__all__ = ["dark_share", "mean_l1", "mixture_mode_statistics", "psnr", "ssim",
           "translation_report"]
