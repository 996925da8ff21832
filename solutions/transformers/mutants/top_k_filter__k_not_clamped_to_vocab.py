# Indexes the sorted logits with -k without clamping k to the vocabulary size: k > V raises IndexError.
import numpy as np


def top_k_filter(logits, k):
    if isinstance(k, bool) or not isinstance(k, (int, np.integer)) or k < 1:
        raise ValueError("k must be a positive integer")
    x = np.array(logits, dtype=np.float64)
    kth = np.sort(x, axis=-1)[..., -int(k), None]
    return np.where(x >= kth, x, -np.inf)
