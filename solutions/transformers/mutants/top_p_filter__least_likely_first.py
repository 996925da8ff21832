# Sorts ascending and accumulates from the least likely token, so it keeps the unlikely tail instead of the nucleus.
import numpy as np


def top_p_filter(logits, p):
    if not 0 < p <= 1:
        raise ValueError("p must lie in (0, 1]")
    x = np.array(logits, dtype=np.float64)
    if p == 1:
        return x
    e = np.exp(x - np.max(x, axis=-1, keepdims=True))
    probs = e / np.sum(e, axis=-1, keepdims=True)
    order = np.argsort(x, axis=-1, kind="stable")
    p_sorted = np.take_along_axis(probs, order, axis=-1)
    before = np.cumsum(p_sorted, axis=-1) - p_sorted
    keep = np.empty(x.shape, dtype=bool)
    np.put_along_axis(keep, order, before < p, axis=-1)
    return np.where(keep, x, -np.inf)
