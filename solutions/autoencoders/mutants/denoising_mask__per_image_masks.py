# Draws a mask of shape images.shape (a different mask per image) instead of one mask shared by the batch.
import numpy as np


def denoising_mask(images, rng):
    x = np.asarray(images)
    mask = rng.random(size=x.shape)
    return mask * (255.0 - x.astype(np.float64))
