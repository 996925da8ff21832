# Computes softmax as exp(x) / sum(exp(x)) without subtracting the maximum: large logits overflow to NaN.
import numpy as np


def top_p_filter(logits, p):
    if not 0 < p <= 1:
        raise ValueError("p must lie in (0, 1]")
    x = np.array(logits, dtype=np.float64)
    if p == 1:
        return x
    with np.errstate(over="ignore", invalid="ignore"):
        e = np.exp(x)
        probs = e / np.sum(e, axis=-1, keepdims=True)
    above = np.array([[probs_row[row > v].sum() for v in row] for row, probs_row in
                      zip(x.reshape(-1, x.shape[-1]), probs.reshape(-1, x.shape[-1]))]).reshape(x.shape)
    return np.where(above < p, x, -np.inf)
