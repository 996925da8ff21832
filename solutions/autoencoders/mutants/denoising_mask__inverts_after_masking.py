# Inverts after masking (255 - mask * images) instead of masking the inverted images.
import numpy as np


def denoising_mask(images, rng):
    x = np.asarray(images, dtype=np.float64)
    mask = rng.random(size=x.shape[1:])
    return 255.0 - mask * x
