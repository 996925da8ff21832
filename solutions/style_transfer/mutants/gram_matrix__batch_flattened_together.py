# Reshapes every input to (-1, C), so a batch gives one Gram matrix summed over all images.
import numpy as np


def gram_matrix(features):
    x = np.asarray(features, dtype=np.float64)
    if x.ndim not in (3, 4):
        raise ValueError("features must have rank 3 or 4")
    f = x.reshape(-1, x.shape[-1])
    return f.T @ f
