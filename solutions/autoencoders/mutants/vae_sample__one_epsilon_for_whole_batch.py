# Draws one epsilon of shape (D,) and reuses it for every row of a (B, D) batch.
import numpy as np


def vae_sample(z_mean, z_log_var, epsilon=None, rng=None):
    mu = np.asarray(z_mean, dtype=np.float64)
    log_var = np.asarray(z_log_var, dtype=np.float64)
    if epsilon is None:
        rng = np.random.default_rng() if rng is None else rng
        epsilon = rng.standard_normal(mu.shape[-1])
    return mu + np.exp(0.5 * log_var) * np.asarray(epsilon, dtype=np.float64)
