# Every result as Python data (.tolist(): nested lists, or a float for one latent vector): graders use np.asarray.
import numpy as np


def denoising_mask(images, rng):
    x = np.asarray(images)
    mask = rng.random(size=x.shape[1:])
    return (mask * (255.0 - x.astype(np.float64))).tolist()


def vae_sample(z_mean, z_log_var, epsilon=None, rng=None):
    mu = np.asarray(z_mean, dtype=np.float64)
    log_var = np.asarray(z_log_var, dtype=np.float64)
    if epsilon is None:
        rng = np.random.default_rng() if rng is None else rng
        epsilon = rng.standard_normal(np.broadcast_shapes(mu.shape, log_var.shape))
    return (mu + np.exp(0.5 * log_var) * np.asarray(epsilon, dtype=np.float64)).tolist()


def kl_divergence(z_mean, z_log_var):
    mu = np.asarray(z_mean, dtype=np.float64)
    log_var = np.asarray(z_log_var, dtype=np.float64)
    return (-0.5 * np.sum(1.0 + log_var - mu**2 - np.exp(log_var), axis=-1)).tolist()
