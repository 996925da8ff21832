# Computes np.abs(images - 255): on uint8 images the subtraction wraps around before abs can help.
import numpy as np


def denoising_mask(images, rng):
    x = np.asarray(images)
    mask = rng.random(size=x.shape[1:])
    return mask * np.abs(x - 255)
