# Written for PyTorch tensors: images.float() does not exist on a NumPy array.
import numpy as np


def denoising_mask(images, rng):
    x = images.float().numpy().astype(np.float64)
    mask = rng.random(size=x.shape[1:])
    return mask * (255.0 - x)
