# Casts the noisy result back to uint8 "to keep the image type", truncating the noise.
import numpy as np


def denoising_mask(images, rng):
    x = np.asarray(images)
    mask = rng.random(size=x.shape[1:])
    return (mask * (255.0 - x.astype(np.float64))).astype(np.uint8)
