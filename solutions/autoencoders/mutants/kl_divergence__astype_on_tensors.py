# Converts lists with np.array, calls .astype(np.float64) on anything else: a tf or torch tensor has no astype.
import numpy as np


def kl_divergence(z_mean, z_log_var):
    if isinstance(z_mean, (list, tuple)):
        z_mean, z_log_var = np.array(z_mean), np.array(z_log_var)
    mu = z_mean.astype(np.float64)
    log_var = z_log_var.astype(np.float64)
    return -0.5 * np.sum(1.0 + log_var - mu**2 - np.exp(log_var), axis=-1)
