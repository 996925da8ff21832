# Subtracts in place (combination -= base), overwriting the caller's combination feature map.
import numpy as np


def content_loss(base_features, combination_features):
    combination_features -= base_features
    return float(np.sum(np.square(combination_features)))
