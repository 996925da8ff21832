# Inverts the images in place with np.subtract(255, x, out=x), overwriting the caller's array.
import numpy as np


def denoising_mask(images, rng):
    x = np.asarray(images)
    np.subtract(255, x, out=x)
    mask = rng.random(size=x.shape[1:])
    return mask * x.astype(np.float64)
