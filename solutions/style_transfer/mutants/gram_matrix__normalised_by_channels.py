# Divides the Gram matrix by the number of channels C.
import numpy as np


def gram_matrix(features):
    x = np.asarray(features, dtype=np.float64)
    if x.ndim == 3:
        f = x.reshape(-1, x.shape[-1])
        return f.T @ f / x.shape[-1]
    if x.ndim == 4:
        f = x.reshape(x.shape[0], -1, x.shape[-1])
        return np.transpose(f, (0, 2, 1)) @ f / x.shape[-1]
    raise ValueError("features must have rank 3 or 4")
