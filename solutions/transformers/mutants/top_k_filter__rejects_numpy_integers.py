# Checks isinstance(k, int) only, so a NumPy integer k (np.int64(3), from an array or argmax) raises ValueError.
import numpy as np


def top_k_filter(logits, k):
    if isinstance(k, bool) or not isinstance(k, int) or k < 1:
        raise ValueError("k must be a positive integer")
    x = np.array(logits, dtype=np.float64)
    kth = np.sort(x, axis=-1)[..., -min(k, x.shape[-1]), None]
    return np.where(x >= kth, x, -np.inf)
