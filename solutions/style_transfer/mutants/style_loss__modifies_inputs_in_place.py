# Flattens both feature maps in place (x.shape = (H*W, C), no copy), so the caller's arrays come back reshaped.
import numpy as np


def style_loss(style_features, combination_features):
    s = np.asarray(style_features)
    c = np.asarray(combination_features)
    h, w, channels = s.shape
    s.shape = (-1, channels)
    c.shape = (-1, channels)
    fs, fc = s.astype(np.float64), c.astype(np.float64)
    diff = fs.T @ fs - fc.T @ fc
    return float(np.sum(diff**2) / (4.0 * channels**2 * (h * w) ** 2))
