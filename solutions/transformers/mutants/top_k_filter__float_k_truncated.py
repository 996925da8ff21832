# Accepts a float k and truncates it with int(k) (2.5 keeps 2 tokens) instead of raising ValueError.
import numpy as np


def top_k_filter(logits, k):
    if k < 1:
        raise ValueError("k must be at least 1")
    x = np.array(logits, dtype=np.float64)
    kth = np.sort(x, axis=-1)[..., -min(int(k), x.shape[-1]), None]
    return np.where(x >= kth, x, -np.inf)
