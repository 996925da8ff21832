# Turns every input into a batch with np.atleast_2d: a (D,) input gives an array of shape (1,) instead of a scalar.
import numpy as np


def kl_divergence(z_mean, z_log_var):
    mu = np.atleast_2d(np.asarray(z_mean, dtype=np.float64))
    log_var = np.atleast_2d(np.asarray(z_log_var, dtype=np.float64))
    return -0.5 * np.sum(1.0 + log_var - mu**2 - np.exp(log_var), axis=-1)
