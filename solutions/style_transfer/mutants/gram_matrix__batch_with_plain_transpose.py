# Uses f.T on the batched (B, H*W, C) array: .T reverses all three axes instead of swapping the last two.
import numpy as np


def gram_matrix(features):
    x = np.asarray(features, dtype=np.float64)
    if x.ndim == 3:
        f = x.reshape(-1, x.shape[-1])
        return f.T @ f
    if x.ndim == 4:
        f = x.reshape(x.shape[0], -1, x.shape[-1])
        return f.T @ f
    raise ValueError("features must have rank 3 or 4")
