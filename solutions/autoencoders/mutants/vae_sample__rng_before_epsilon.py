# Swaps the optional parameters (rng before epsilon): an epsilon passed positionally is taken for the rng.
import numpy as np


def vae_sample(z_mean, z_log_var, rng=None, epsilon=None):
    mu = np.asarray(z_mean, dtype=np.float64)
    log_var = np.asarray(z_log_var, dtype=np.float64)
    if epsilon is None:
        rng = np.random.default_rng() if rng is None else rng
        epsilon = rng.standard_normal(np.broadcast_shapes(mu.shape, log_var.shape))
    return mu + np.exp(0.5 * log_var) * np.asarray(epsilon, dtype=np.float64)
