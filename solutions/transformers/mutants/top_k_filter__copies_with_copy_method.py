# Copies the logits with logits.copy(): fine for arrays and lists, but a torch.Tensor or tf.Tensor has no .copy().
import numpy as np


def top_k_filter(logits, k):
    if isinstance(k, bool) or not isinstance(k, (int, np.integer)) or k < 1:
        raise ValueError("k must be a positive integer")
    x = logits.copy()
    kth = np.sort(x, axis=-1)[..., -min(int(k), np.shape(x)[-1]), None]
    return np.where(np.asarray(x) >= kth, x, -np.inf)
