# Draws the mask with rng.random(..., dtype=np.float32), which gives different numbers from the same seed.
import numpy as np


def denoising_mask(images, rng):
    x = np.asarray(images)
    mask = rng.random(size=x.shape[1:], dtype=np.float32)
    return mask * (255.0 - x.astype(np.float64))
