# Uses Gatys et al.'s 1/2 factor (0.5 * sum of squares) instead of the plain sum of squared differences.
import numpy as np


def content_loss(base_features, combination_features):
    b = np.asarray(base_features, dtype=np.float64)
    c = np.asarray(combination_features, dtype=np.float64)
    return float(0.5 * np.sum((c - b) ** 2))
