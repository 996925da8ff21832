# Sums over the spatial axes only (axis=(0, 1)) and returns one value per channel instead of a single number.
import numpy as np


def content_loss(base_features, combination_features):
    b = np.asarray(base_features, dtype=np.float64)
    c = np.asarray(combination_features, dtype=np.float64)
    return np.sum((c - b) ** 2, axis=(0, 1))
