# Written for TensorFlow tensors: features.shape.as_list() fails on a NumPy array (its shape is a plain tuple).
import numpy as np


def gram_matrix(features):
    shape = features.shape.as_list()
    x = np.asarray(features, dtype=np.float64)
    if len(shape) == 3:
        f = x.reshape(-1, shape[-1])
        return f.T @ f
    if len(shape) == 4:
        f = x.reshape(shape[0], -1, shape[-1])
        return np.transpose(f, (0, 2, 1)) @ f
    raise ValueError(f"features must have shape (H, W, C) or (B, H, W, C), not {shape}")
