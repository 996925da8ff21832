# Flattens the feature map in place (x.shape = (H*W, C), no copy), so the caller's array comes back reshaped.
import numpy as np


def gram_matrix(features):
    x = np.asarray(features)
    if x.ndim == 3:
        x.shape = (-1, x.shape[-1])
        f = x.astype(np.float64)
        return f.T @ f
    if x.ndim == 4:
        f = x.reshape(x.shape[0], -1, x.shape[-1]).astype(np.float64)
        return np.transpose(f, (0, 2, 1)) @ f
    raise ValueError(f"features must have shape (H, W, C) or (B, H, W, C), not {x.shape}")
