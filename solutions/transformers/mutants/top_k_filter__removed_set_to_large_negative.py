# Sets removed tokens to -1e9 (a common masking constant) instead of -inf.
import numpy as np


def top_k_filter(logits, k):
    if isinstance(k, bool) or not isinstance(k, (int, np.integer)) or k < 1:
        raise ValueError("k must be a positive integer")
    x = np.array(logits, dtype=np.float64)
    kth = np.sort(x, axis=-1)[..., -min(int(k), x.shape[-1]), None]
    return np.where(x >= kth, x, -1e9)
