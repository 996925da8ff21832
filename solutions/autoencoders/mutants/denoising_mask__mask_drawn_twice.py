# Draws one mask to get its shape and a second one to use, consuming twice the random numbers.
import numpy as np


def denoising_mask(images, rng):
    x = np.asarray(images)
    shape = rng.random(size=x.shape[1:]).shape
    mask = rng.random(size=shape)
    return mask * (255.0 - x.astype(np.float64))
