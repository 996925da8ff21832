# Puts the 0.5 outside the exponential: 0.5 * exp(z_log_var) instead of exp(0.5 * z_log_var).
import numpy as np


def vae_sample(z_mean, z_log_var, epsilon=None, rng=None):
    mu = np.asarray(z_mean, dtype=np.float64)
    log_var = np.asarray(z_log_var, dtype=np.float64)
    if epsilon is None:
        rng = np.random.default_rng() if rng is None else rng
        epsilon = rng.standard_normal(np.broadcast_shapes(mu.shape, log_var.shape))
    return mu + 0.5 * np.exp(log_var) * np.asarray(epsilon, dtype=np.float64)
