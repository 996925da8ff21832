# Never checks p: p = 0 or a negative p keeps only the most likely token, p > 1 keeps everything, no ValueError.
import numpy as np


def top_p_filter(logits, p):
    x = np.array(logits, dtype=np.float64)
    if p >= 1:
        return x
    e = np.exp(x - np.max(x, axis=-1, keepdims=True))
    probs = e / np.sum(e, axis=-1, keepdims=True)
    above = np.array([[probs_row[row > v].sum() for v in row] for row, probs_row in
                      zip(x.reshape(-1, x.shape[-1]), probs.reshape(-1, x.shape[-1]))]).reshape(x.shape)
    return np.where((above < p) | (above == 0), x, -np.inf)
