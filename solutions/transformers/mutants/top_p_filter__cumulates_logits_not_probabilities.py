# Forgets the softmax: sorts and accumulates the logits themselves, as if they were probabilities.
import numpy as np


def top_p_filter(logits, p):
    if not 0 < p <= 1:
        raise ValueError("p must lie in (0, 1]")
    x = np.array(logits, dtype=np.float64)
    if p == 1:
        return x
    order = np.argsort(-x, axis=-1, kind="stable")
    sorted_x = np.take_along_axis(x, order, axis=-1)
    before = np.cumsum(sorted_x, axis=-1) - sorted_x
    keep_sorted = before < p
    keep_sorted[..., 0] = True
    keep = np.empty(x.shape, dtype=bool)
    np.put_along_axis(keep, order, keep_sorted, axis=-1)
    return np.where(keep, x, -np.inf)
