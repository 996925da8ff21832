# Adds the noise into z_mean in place (np.asarray does not copy), changing the caller's array.
import numpy as np


def vae_sample(z_mean, z_log_var, epsilon=None, rng=None):
    mu = np.asarray(z_mean)
    log_var = np.asarray(z_log_var, dtype=np.float64)
    if epsilon is None:
        rng = np.random.default_rng() if rng is None else rng
        epsilon = rng.standard_normal(np.broadcast_shapes(mu.shape, log_var.shape))
    mu += np.exp(0.5 * log_var) * np.asarray(epsilon)
    return mu
