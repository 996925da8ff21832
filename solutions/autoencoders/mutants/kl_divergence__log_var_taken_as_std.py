# Treats z_log_var as the standard deviation sigma: -0.5 * sum(1 + log(sigma^2) - mean^2 - sigma^2).
import numpy as np


def kl_divergence(z_mean, z_log_var):
    mu = np.asarray(z_mean, dtype=np.float64)
    sigma = np.asarray(z_log_var, dtype=np.float64)
    return -0.5 * np.sum(1.0 + np.log(sigma**2) - mu**2 - sigma**2, axis=-1)
