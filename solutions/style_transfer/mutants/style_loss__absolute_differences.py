# Sums absolute instead of squared differences of the Gram matrices.
import numpy as np


def style_loss(style_features, combination_features):
    s = np.asarray(style_features, dtype=np.float64)
    c = np.asarray(combination_features, dtype=np.float64)
    h, w, channels = s.shape
    fs, fc = s.reshape(-1, channels), c.reshape(-1, channels)
    diff = fs.T @ fs - fc.T @ fc
    return float(np.sum(np.abs(diff)) / (4.0 * channels**2 * (h * w) ** 2))
