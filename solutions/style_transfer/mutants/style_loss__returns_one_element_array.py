# Sums with keepdims=True and returns the (1, 1) array instead of a float.
import numpy as np


def style_loss(style_features, combination_features):
    s = np.asarray(style_features, dtype=np.float64)
    c = np.asarray(combination_features, dtype=np.float64)
    h, w, channels = s.shape
    fs, fc = s.reshape(-1, channels), c.reshape(-1, channels)
    diff = fs.T @ fs - fc.T @ fc
    return np.sum(diff**2, keepdims=True) / (4.0 * channels**2 * (h * w) ** 2)
