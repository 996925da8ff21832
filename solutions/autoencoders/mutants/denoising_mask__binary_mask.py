# Thresholds the uniform mask at 0.5 (a binary dropout mask) instead of using the uniform values.
import numpy as np


def denoising_mask(images, rng):
    x = np.asarray(images)
    mask = rng.random(size=x.shape[1:]) > 0.5
    return mask * (255.0 - x.astype(np.float64))
