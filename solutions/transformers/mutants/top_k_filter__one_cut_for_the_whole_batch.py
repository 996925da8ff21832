# Takes the k-th largest logit of the whole flattened batch, not of each row.
import numpy as np


def top_k_filter(logits, k):
    if isinstance(k, bool) or not isinstance(k, (int, np.integer)) or k < 1:
        raise ValueError("k must be a positive integer")
    x = np.array(logits, dtype=np.float64)
    kth = np.sort(x, axis=None)[-min(int(k), x.shape[-1])]
    return np.where(x >= kth, x, -np.inf)
