# No special case for p == 1.0: a token whose probability underflows to 0 has mass 1.0 above it and is removed.
import numpy as np


def top_p_filter(logits, p):
    if not 0 < p <= 1:
        raise ValueError("p must lie in (0, 1]")
    x = np.array(logits, dtype=np.float64)
    e = np.exp(x - np.max(x, axis=-1, keepdims=True))
    probs = e / np.sum(e, axis=-1, keepdims=True)
    above = np.array([[probs_row[row > v].sum() for v in row] for row, probs_row in
                      zip(x.reshape(-1, x.shape[-1]), probs.reshape(-1, x.shape[-1]))]).reshape(x.shape)
    return np.where(above < p, x, -np.inf)
