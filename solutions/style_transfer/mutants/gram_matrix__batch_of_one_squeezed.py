# Squeezes the input to drop a batch axis of size 1, so (1, H, W, C) gives (C, C) instead of (1, C, C).
import numpy as np


def gram_matrix(features):
    x = np.asarray(features, dtype=np.float64)
    if x.ndim == 4 and x.shape[0] == 1:
        x = np.squeeze(x, axis=0)
    if x.ndim == 3:
        f = x.reshape(-1, x.shape[-1])
        return f.T @ f
    if x.ndim == 4:
        f = x.reshape(x.shape[0], -1, x.shape[-1])
        return np.transpose(f, (0, 2, 1)) @ f
    raise ValueError("features must have rank 3 or 4")
