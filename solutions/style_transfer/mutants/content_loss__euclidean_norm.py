# Returns the Euclidean distance np.linalg.norm(c - b), i.e. the square root of the required sum.
import numpy as np


def content_loss(base_features, combination_features):
    b = np.asarray(base_features, dtype=np.float64)
    c = np.asarray(combination_features, dtype=np.float64)
    return float(np.linalg.norm(c - b))
