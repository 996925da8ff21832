# Copies the DLwP loss: -0.5 * mean(...) over every entry, batch and latent axes together.
import numpy as np


def kl_divergence(z_mean, z_log_var):
    mu = np.asarray(z_mean, dtype=np.float64)
    log_var = np.asarray(z_log_var, dtype=np.float64)
    return -0.5 * np.mean(1.0 + log_var - np.square(mu) - np.exp(log_var))
