# Applies the style-loss normalisation 1 / (4 C^2 (H W)^2) to the content loss as well.
import numpy as np


def content_loss(base_features, combination_features):
    b = np.asarray(base_features, dtype=np.float64)
    c = np.asarray(combination_features, dtype=np.float64)
    h, w, channels = b.shape
    return float(np.sum((c - b) ** 2) / (4.0 * channels**2 * (h * w) ** 2))
