# Subtracts each channel's mean first, computing a scatter (covariance) matrix instead of the Gram matrix.
import numpy as np


def gram_matrix(features):
    x = np.asarray(features, dtype=np.float64)
    if x.ndim == 3:
        f = x.reshape(-1, x.shape[-1])
        f = f - f.mean(axis=0)
        return f.T @ f
    if x.ndim == 4:
        f = x.reshape(x.shape[0], -1, x.shape[-1])
        f = f - f.mean(axis=1, keepdims=True)
        return np.transpose(f, (0, 2, 1)) @ f
    raise ValueError("features must have rank 3 or 4")
