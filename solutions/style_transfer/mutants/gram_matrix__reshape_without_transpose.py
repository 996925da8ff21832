# Reshapes (H, W, C) straight to (C, H*W) without moving the channel axis first, mixing pixels and channels.
import numpy as np


def gram_matrix(features):
    x = np.asarray(features, dtype=np.float64)
    if x.ndim == 3:
        f = x.reshape(x.shape[-1], -1)
        return f @ f.T
    if x.ndim == 4:
        f = x.reshape(x.shape[0], x.shape[-1], -1)
        return f @ np.transpose(f, (0, 2, 1))
    raise ValueError("features must have rank 3 or 4")
