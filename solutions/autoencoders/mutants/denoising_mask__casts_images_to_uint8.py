# Casts the images to uint8 first "since images are uint8": float images lose their fractional part.
import numpy as np


def denoising_mask(images, rng):
    x = np.asarray(images).astype(np.uint8)
    mask = rng.random(size=x.shape[1:])
    return mask * (255.0 - x.astype(np.float64))
