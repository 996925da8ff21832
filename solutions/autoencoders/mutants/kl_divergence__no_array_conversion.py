# Squares z_mean before converting it to an array: z_mean**2 of a Python list raises TypeError.
import numpy as np


def kl_divergence(z_mean, z_log_var):
    mean_sq = np.asarray(z_mean**2, dtype=np.float64)
    log_var = np.asarray(z_log_var, dtype=np.float64)
    return -0.5 * np.sum(1.0 + log_var - mean_sq - np.exp(log_var), axis=-1)
