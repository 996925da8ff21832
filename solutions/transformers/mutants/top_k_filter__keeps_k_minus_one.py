# Off by one in the slice of the sorted indices: argsort(...)[..., -k + 1:] keeps k - 1 tokens (and all for k = 1).
import numpy as np


def top_k_filter(logits, k):
    if isinstance(k, bool) or not isinstance(k, (int, np.integer)) or k < 1:
        raise ValueError("k must be a positive integer")
    x = np.array(logits, dtype=np.float64)
    top = np.argsort(x, axis=-1)[..., -int(k) + 1:]
    out = np.full_like(x, -np.inf)
    np.put_along_axis(out, top, np.take_along_axis(x, top, axis=-1), axis=-1)
    return out
