"""Reference solution for the transformers assignment (never shipped to students).

The filters are NumPy; ``sequence_log_prob`` runs the model with PyTorch. Each question's function is
self-contained (none calls another), so a mutant of one question cannot cost points on another.
``tiny_gpt2`` stands for the notebook's given helper (a public test builds its model with it).
"""

import numpy as np


def top_k_filter(logits, k):
    if isinstance(k, (bool, np.bool_)) or not isinstance(k, (int, np.integer)) or k < 1:
        raise ValueError(f"k must be a positive integer, not {k!r}")
    x = np.array(logits, dtype=np.float64)
    k = min(int(k), x.shape[-1])
    kth_largest = np.sort(x, axis=-1)[..., -k, None]
    return np.where(x >= kth_largest, x, -np.inf)


def top_p_filter(logits, p):
    if not 0 < p <= 1:
        raise ValueError(f"p must lie in (0, 1], not {p!r}")
    x = np.array(logits, dtype=np.float64)
    if p == 1:
        return x
    e = np.exp(x - np.max(x, axis=-1, keepdims=True))
    probs = e / np.sum(e, axis=-1, keepdims=True)
    order = np.argsort(-x, axis=-1, kind="stable")
    x_sorted = np.take_along_axis(x, order, axis=-1)
    p_sorted = np.take_along_axis(probs, order, axis=-1)
    mass_before = np.concatenate([np.zeros_like(p_sorted[..., :1]), np.cumsum(p_sorted, axis=-1)[..., :-1]], axis=-1)
    # tied tokens share the mass of the tokens strictly more likely: that of their group's first member
    position = np.arange(x.shape[-1])
    starts = np.concatenate([np.ones_like(x_sorted[..., :1], dtype=bool),
                             x_sorted[..., 1:] != x_sorted[..., :-1]], axis=-1)
    group_start = np.maximum.accumulate(np.where(starts, position, 0), axis=-1)
    strictly_more_likely = np.take_along_axis(mass_before, group_start, axis=-1)
    keep = np.empty_like(starts)
    np.put_along_axis(keep, order, strictly_more_likely < p, axis=-1)
    return np.where(keep, x, -np.inf)


def sequence_log_prob(model, input_ids):
    import torch

    ids = torch.as_tensor(np.asarray(input_ids), dtype=torch.long).reshape(-1)
    if ids.numel() < 2:
        return 0.0
    with torch.no_grad():
        logits = model(ids[None, :]).logits[0].double()
    log_probs = torch.log_softmax(logits[:-1], dim=-1)
    return float(log_probs.gather(-1, ids[1:, None]).sum())


def tiny_gpt2(seed=0, vocab=64):
    from autograder.models import TinyGPT2

    return TinyGPT2(vocab=vocab, seed=seed, n_positions=64).build()
