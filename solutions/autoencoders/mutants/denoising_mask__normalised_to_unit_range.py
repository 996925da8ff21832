# Rescales the images to [0, 1] first, so the result is (1 - images / 255) * mask instead of values up to 255.
import numpy as np


def denoising_mask(images, rng):
    x = np.asarray(images, dtype=np.float64) / 255.0
    mask = rng.random(size=x.shape[1:])
    return mask * (1.0 - x)
