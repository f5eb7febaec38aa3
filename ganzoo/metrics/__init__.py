"""Evaluation metrics as pure functions of samples or activations."""

from ganzoo.metrics.distances import (
    classifier_score_from_logits,
    confident_share_from_logits,
    frechet_classifier_distance_from_activations,
    kernel_classifier_distance_and_std_from_activations,
)
from ganzoo.metrics.modes import class_mode_statistics, mixture_mode_statistics
from ganzoo.metrics.neighbours import density_coverage, memorization, precision_recall
from ganzoo.metrics.translation import (
    dark_precision,
    dark_share,
    mean_l1,
    misplaced_dark_l1,
    palette_distance,
    psnr,
    ssim,
    translation_report,
)

__all__ = [
    "class_mode_statistics", "classifier_score_from_logits", "confident_share_from_logits",
    "dark_precision", "dark_share", "density_coverage",
    "frechet_classifier_distance_from_activations",
    "kernel_classifier_distance_and_std_from_activations", "mean_l1", "memorization",
    "misplaced_dark_l1", "palette_distance",
    "mixture_mode_statistics", "precision_recall", "psnr", "ssim", "translation_report",
]
