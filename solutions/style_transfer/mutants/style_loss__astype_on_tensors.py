# Converts lists with np.array, calls .astype(np.float64) on anything else: a tf or torch tensor has no astype.
import numpy as np


def style_loss(style_features, combination_features):
    if isinstance(style_features, (list, tuple)):
        style_features, combination_features = np.array(style_features), np.array(combination_features)
    s = style_features.astype(np.float64)
    c = combination_features.astype(np.float64)
    h, w, channels = s.shape
    fs, fc = s.reshape(-1, channels), c.reshape(-1, channels)
    diff = fs.T @ fs - fc.T @ fc
    return float(np.sum(diff**2) / (4.0 * channels**2 * (h * w) ** 2))
