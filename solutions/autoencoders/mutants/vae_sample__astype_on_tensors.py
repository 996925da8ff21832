# Converts lists with np.array, calls .astype(np.float64) on anything else: a tf or torch tensor has no astype.
import numpy as np


def vae_sample(z_mean, z_log_var, epsilon=None, rng=None):
    if isinstance(z_mean, (list, tuple)):
        z_mean, z_log_var = np.array(z_mean), np.array(z_log_var)
    mu = z_mean.astype(np.float64)
    log_var = z_log_var.astype(np.float64)
    if epsilon is None:
        rng = np.random.default_rng() if rng is None else rng
        epsilon = rng.standard_normal(np.broadcast_shapes(mu.shape, log_var.shape))
    return mu + np.exp(0.5 * log_var) * np.asarray(epsilon, dtype=np.float64)
