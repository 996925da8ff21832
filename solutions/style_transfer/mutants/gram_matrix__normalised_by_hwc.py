# Divides the Gram matrix by H*W*C (the number of feature-map entries).
import numpy as np


def gram_matrix(features):
    x = np.asarray(features, dtype=np.float64)
    if x.ndim == 3:
        f = x.reshape(-1, x.shape[-1])
        return f.T @ f / x.size
    if x.ndim == 4:
        f = x.reshape(x.shape[0], -1, x.shape[-1])
        return np.transpose(f, (0, 2, 1)) @ f / (f.shape[1] * f.shape[2])
    raise ValueError("features must have rank 3 or 4")
