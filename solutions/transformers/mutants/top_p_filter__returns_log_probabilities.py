# Returns the log-probabilities (log-softmax) of the kept tokens instead of their logits.
import numpy as np


def top_p_filter(logits, p):
    if not 0 < p <= 1:
        raise ValueError("p must lie in (0, 1]")
    x = np.array(logits, dtype=np.float64)
    if p == 1:
        return x
    shifted = x - np.max(x, axis=-1, keepdims=True)
    log_probs = shifted - np.log(np.sum(np.exp(shifted), axis=-1, keepdims=True))
    probs = np.exp(log_probs)
    above = np.array([[probs_row[row > v].sum() for v in row] for row, probs_row in
                      zip(x.reshape(-1, x.shape[-1]), probs.reshape(-1, x.shape[-1]))]).reshape(x.shape)
    return np.where(above < p, log_probs, -np.inf)
