# Reads images.shape before converting the input: a nested Python list has no shape.
import numpy as np


def denoising_mask(images, rng):
    mask = rng.random(size=tuple(images.shape[1:]))
    return mask * (255.0 - np.asarray(images, dtype=np.float64))
