# Draws epsilon with z_mean's shape, not the broadcast shape: z_mean (D,) with z_log_var (B, D) reuses one noise row.
import numpy as np


def vae_sample(z_mean, z_log_var, epsilon=None, rng=None):
    mu = np.asarray(z_mean, dtype=np.float64)
    log_var = np.asarray(z_log_var, dtype=np.float64)
    if epsilon is None:
        rng = np.random.default_rng() if rng is None else rng
        epsilon = rng.standard_normal(mu.shape)
    return mu + np.exp(0.5 * log_var) * np.asarray(epsilon, dtype=np.float64)
