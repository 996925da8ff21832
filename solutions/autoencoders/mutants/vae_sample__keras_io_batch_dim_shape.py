# Draws epsilon of shape (z_mean.shape[0], z_mean.shape[1]) like the keras-io Sampling layer: (D,) inputs fail.
import numpy as np


def vae_sample(z_mean, z_log_var, epsilon=None, rng=None):
    mu = np.asarray(z_mean, dtype=np.float64)
    log_var = np.asarray(z_log_var, dtype=np.float64)
    if epsilon is None:
        rng = np.random.default_rng() if rng is None else rng
        batch, dim = mu.shape[0], mu.shape[1]
        epsilon = rng.standard_normal((batch, dim))
    return mu + np.exp(0.5 * log_var) * np.asarray(epsilon, dtype=np.float64)
