# Forgets the -0.5 factor: returns sum(1 + log_var - mean^2 - exp(log_var)), which is negative.
import numpy as np


def kl_divergence(z_mean, z_log_var):
    mu = np.asarray(z_mean, dtype=np.float64)
    log_var = np.asarray(z_log_var, dtype=np.float64)
    return np.sum(1.0 + log_var - mu**2 - np.exp(log_var), axis=-1)
