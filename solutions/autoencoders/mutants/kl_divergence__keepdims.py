# Sums with keepdims=True, returning shape (B, 1) instead of (B,).
import numpy as np


def kl_divergence(z_mean, z_log_var):
    mu = np.asarray(z_mean, dtype=np.float64)
    log_var = np.asarray(z_log_var, dtype=np.float64)
    return -0.5 * np.sum(1.0 + log_var - mu**2 - np.exp(log_var), axis=-1, keepdims=True)
