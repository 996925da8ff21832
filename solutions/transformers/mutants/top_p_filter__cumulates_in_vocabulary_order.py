# Forgets to sort by probability: accumulates the probabilities in vocabulary order (token 0, 1, 2, ...).
import numpy as np


def top_p_filter(logits, p):
    if not 0 < p <= 1:
        raise ValueError("p must lie in (0, 1]")
    x = np.array(logits, dtype=np.float64)
    if p == 1:
        return x
    e = np.exp(x - np.max(x, axis=-1, keepdims=True))
    probs = e / np.sum(e, axis=-1, keepdims=True)
    before = np.cumsum(probs, axis=-1) - probs
    return np.where(before < p, x, -np.inf)
