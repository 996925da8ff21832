# Handles only a single (H, W, C) map, as in Chollet's code; a batch raises ValueError.
import numpy as np


def gram_matrix(features):
    x = np.asarray(features, dtype=np.float64)
    if x.ndim != 3:
        raise ValueError("features must have shape (H, W, C)")
    f = np.transpose(x, (2, 0, 1)).reshape(x.shape[-1], -1)
    return f @ f.T
