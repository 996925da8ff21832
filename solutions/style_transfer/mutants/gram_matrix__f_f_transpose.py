# Computes F F^T (pixels x pixels) instead of F^T F (channels x channels).
import numpy as np


def gram_matrix(features):
    x = np.asarray(features, dtype=np.float64)
    if x.ndim == 3:
        f = x.reshape(-1, x.shape[-1])
        return f @ f.T
    if x.ndim == 4:
        f = x.reshape(x.shape[0], -1, x.shape[-1])
        return f @ np.transpose(f, (0, 2, 1))
    raise ValueError("features must have rank 3 or 4")
