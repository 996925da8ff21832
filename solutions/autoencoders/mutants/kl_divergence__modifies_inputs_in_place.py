# Squares z_mean and exponentiates z_log_var in place, overwriting the caller's arrays.
import numpy as np


def kl_divergence(z_mean, z_log_var):
    mu = np.asarray(z_mean)
    log_var = np.asarray(z_log_var)
    total = 1.0 + log_var
    np.square(mu, out=mu)
    np.exp(log_var, out=log_var)
    return -0.5 * np.sum(total - mu - log_var, axis=-1)
