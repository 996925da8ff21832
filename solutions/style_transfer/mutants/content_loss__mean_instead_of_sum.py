# Takes the mean of the squared differences (MSE) instead of the sum.
import numpy as np


def content_loss(base_features, combination_features):
    b = np.asarray(base_features, dtype=np.float64)
    c = np.asarray(combination_features, dtype=np.float64)
    return float(np.mean((c - b) ** 2))
