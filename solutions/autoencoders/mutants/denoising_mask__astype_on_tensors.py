# Converts lists with np.array, calls images.astype(np.float64) on anything else: a tf or torch tensor has no astype.
import numpy as np


def denoising_mask(images, rng):
    if isinstance(images, (list, tuple)):
        images = np.array(images)
    x = images.astype(np.float64)
    mask = rng.random(size=x.shape[1:])
    return mask * (255.0 - x)
