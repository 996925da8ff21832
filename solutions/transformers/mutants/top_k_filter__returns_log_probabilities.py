# Returns the log-softmax of the kept logits (renormalised) instead of the logits themselves.
import numpy as np


def top_k_filter(logits, k):
    if isinstance(k, bool) or not isinstance(k, (int, np.integer)) or k < 1:
        raise ValueError("k must be a positive integer")
    x = np.array(logits, dtype=np.float64)
    kth = np.sort(x, axis=-1)[..., -min(int(k), x.shape[-1]), None]
    kept = np.where(x >= kth, x, -np.inf)
    m = np.max(kept, axis=-1, keepdims=True)
    return kept - m - np.log(np.sum(np.exp(kept - m), axis=-1, keepdims=True))
