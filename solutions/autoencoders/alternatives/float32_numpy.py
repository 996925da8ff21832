# All three functions computed in float32 NumPy (the mask is still drawn as rng.random(size=images.shape[1:])).
import numpy as np


def denoising_mask(images, rng):
    x = np.asarray(images)
    mask = rng.random(size=x.shape[1:]).astype(np.float32)
    return mask * (np.float32(255.0) - x.astype(np.float32))


def vae_sample(z_mean, z_log_var, epsilon=None, rng=None):
    mu = np.asarray(z_mean, dtype=np.float32)
    log_var = np.asarray(z_log_var, dtype=np.float32)
    if epsilon is None:
        if rng is None:
            rng = np.random.default_rng()
        epsilon = rng.standard_normal(size=np.broadcast(mu, log_var).shape, dtype=np.float32)
    return mu + np.exp(np.float32(0.5) * log_var) * np.asarray(epsilon, dtype=np.float32)


def kl_divergence(z_mean, z_log_var):
    mu = np.asarray(z_mean, dtype=np.float32)
    log_var = np.asarray(z_log_var, dtype=np.float32)
    return np.float32(-0.5) * np.sum(1 + log_var - np.square(mu) - np.exp(log_var), axis=-1)
