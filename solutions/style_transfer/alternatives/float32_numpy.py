# All three functions computed in float32 NumPy; style_loss reuses gram_matrix.
import numpy as np


def gram_matrix(features):
    x = np.asarray(features, dtype=np.float32)
    if x.ndim not in (3, 4):
        raise ValueError("features must be (H, W, C) or (B, H, W, C)")
    f = x.reshape(x.shape[:-3] + (-1, x.shape[-1]))
    return np.swapaxes(f, -1, -2) @ f


def style_loss(style_features, combination_features):
    h, w, channels = np.shape(style_features)
    s = gram_matrix(style_features)
    c = gram_matrix(combination_features)
    return float(np.sum(np.square(s - c)) / np.float32(4.0 * channels**2 * (h * w) ** 2))


def content_loss(base_features, combination_features):
    b = np.asarray(base_features, dtype=np.float32)
    c = np.asarray(combination_features, dtype=np.float32)
    return float(np.sum(np.square(c - b)))
