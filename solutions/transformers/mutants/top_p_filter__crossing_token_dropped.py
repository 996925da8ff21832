# Keeps a token only while the running total INCLUDING it stays below p, so the token that crosses p is dropped
# (and for a small p nothing is kept at all).
import numpy as np


def top_p_filter(logits, p):
    if not 0 < p <= 1:
        raise ValueError("p must lie in (0, 1]")
    x = np.array(logits, dtype=np.float64)
    if p == 1:
        return x
    e = np.exp(x - np.max(x, axis=-1, keepdims=True))
    probs = e / np.sum(e, axis=-1, keepdims=True)
    order = np.argsort(-x, axis=-1, kind="stable")
    cumulative = np.cumsum(np.take_along_axis(probs, order, axis=-1), axis=-1)
    keep = np.empty(x.shape, dtype=bool)
    np.put_along_axis(keep, order, cumulative < p, axis=-1)
    return np.where(keep, x, -np.inf)
