# Writes -inf into the caller's array (np.asarray does not copy) instead of into a new one.
import numpy as np


def top_k_filter(logits, k):
    if isinstance(k, bool) or not isinstance(k, (int, np.integer)) or k < 1:
        raise ValueError("k must be a positive integer")
    x = np.asarray(logits, dtype=np.float64)
    kth = np.sort(x, axis=-1)[..., -min(int(k), x.shape[-1]), None]
    x[x < kth] = -np.inf
    return x
