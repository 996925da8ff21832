# Reads features.ndim and features.shape without converting the input: a nested Python list has neither.
import numpy as np


def gram_matrix(features):
    if features.ndim == 3:
        f = np.reshape(np.asarray(features, dtype=np.float64), (-1, features.shape[-1]))
        return f.T @ f
    if features.ndim == 4:
        f = np.reshape(np.asarray(features, dtype=np.float64), (features.shape[0], -1, features.shape[-1]))
        return np.transpose(f, (0, 2, 1)) @ f
    raise ValueError(f"features must have shape (H, W, C) or (B, H, W, C), not {features.shape}")
