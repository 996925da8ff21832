# Subtracts the inputs before converting them to arrays: two nested Python lists cannot be subtracted (TypeError).
import numpy as np


def content_loss(base_features, combination_features):
    diff = combination_features - base_features
    return float(np.sum(np.asarray(diff, dtype=np.float64) ** 2))
