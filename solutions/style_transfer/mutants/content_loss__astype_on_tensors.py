# Converts lists with np.array, calls .astype(np.float64) on anything else: a tf or torch tensor has no astype.
import numpy as np


def content_loss(base_features, combination_features):
    if isinstance(base_features, (list, tuple)):
        base_features, combination_features = np.array(base_features), np.array(combination_features)
    b = base_features.astype(np.float64)
    c = combination_features.astype(np.float64)
    return float(np.sum((c - b) ** 2))
