"""Top-k training (Sinha et al. 2020): the generator learns only from the best-scored share of
its fakes, annealed from 1 toward `model.top_k` (1 disables it)."""

from ganzoo import losses


def generator_weights(fake_logits, generator_step, top_k: float, period: int):
    """None (learn from every fake), or the mask of the fakes kept at this generator step.
    Under N replicas each ranks its own slice of the batch, so the kept share is the same."""
    if top_k == 1.0:
        return None
    share = losses.top_k_share(generator_step, top_k, period)
    return losses.top_k_weights(fake_logits, share)
