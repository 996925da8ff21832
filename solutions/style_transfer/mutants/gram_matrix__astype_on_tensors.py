# Converts lists with np.array, calls features.astype(np.float64) on anything else: a tf or torch tensor has no astype.
import numpy as np


def gram_matrix(features):
    if isinstance(features, (list, tuple)):
        features = np.array(features)
    x = features.astype(np.float64)
    if x.ndim == 3:
        f = x.reshape(-1, x.shape[-1])
        return f.T @ f
    if x.ndim == 4:
        f = x.reshape(x.shape[0], -1, x.shape[-1])
        return np.transpose(f, (0, 2, 1)) @ f
    raise ValueError(f"features must have shape (H, W, C) or (B, H, W, C), not {x.shape}")
