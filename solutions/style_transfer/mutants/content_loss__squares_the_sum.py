# Squares the sum of the differences instead of summing the squared differences.
import numpy as np


def content_loss(base_features, combination_features):
    b = np.asarray(base_features, dtype=np.float64)
    c = np.asarray(combination_features, dtype=np.float64)
    return float(np.sum(c - b) ** 2)
