# Draws epsilon from the global np.random.normal instead of the rng argument.
import numpy as np


def vae_sample(z_mean, z_log_var, epsilon=None, rng=None):
    mu = np.asarray(z_mean, dtype=np.float64)
    log_var = np.asarray(z_log_var, dtype=np.float64)
    if epsilon is None:
        epsilon = np.random.normal(size=np.broadcast_shapes(mu.shape, log_var.shape))
    return mu + np.exp(0.5 * log_var) * np.asarray(epsilon, dtype=np.float64)
