# Compares the feature maps themselves instead of their Gram matrices (a content loss with the style normalisation).
import numpy as np


def style_loss(style_features, combination_features):
    s = np.asarray(style_features, dtype=np.float64)
    c = np.asarray(combination_features, dtype=np.float64)
    h, w, channels = s.shape
    return float(np.sum((s - c) ** 2) / (4.0 * channels**2 * (h * w) ** 2))
