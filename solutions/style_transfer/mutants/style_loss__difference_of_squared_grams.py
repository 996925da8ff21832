# Subtracts the squared Gram matrices (sum(G_s**2 - G_c**2)) instead of squaring their difference.
import numpy as np


def style_loss(style_features, combination_features):
    s = np.asarray(style_features, dtype=np.float64)
    c = np.asarray(combination_features, dtype=np.float64)
    h, w, channels = s.shape
    fs, fc = s.reshape(-1, channels), c.reshape(-1, channels)
    gs, gc = fs.T @ fs, fc.T @ fc
    return float(np.sum(gs**2 - gc**2) / (4.0 * channels**2 * (h * w) ** 2))
