# Copies the logits with logits.copy(): fine for arrays and lists, but a torch.Tensor or tf.Tensor has no .copy().
import numpy as np


def top_p_filter(logits, p):
    if not 0 < p <= 1:
        raise ValueError("p must lie in (0, 1]")
    x = np.asarray(logits.copy(), dtype=np.float64)
    if p == 1:
        return x
    e = np.exp(x - np.max(x, axis=-1, keepdims=True))
    probs = e / np.sum(e, axis=-1, keepdims=True)
    above = np.array([[probs_row[row > v].sum() for v in row] for row, probs_row in
                      zip(x.reshape(-1, x.shape[-1]), probs.reshape(-1, x.shape[-1]))]).reshape(x.shape)
    return np.where(above < p, x, -np.inf)
