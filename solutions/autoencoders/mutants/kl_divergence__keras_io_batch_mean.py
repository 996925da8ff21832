# Copies the keras-io VAE loss: per-sample sum then the mean over the batch, a single number.
import numpy as np


def kl_divergence(z_mean, z_log_var):
    mu = np.asarray(z_mean, dtype=np.float64)
    log_var = np.asarray(z_log_var, dtype=np.float64)
    kl_loss = -0.5 * (1.0 + log_var - np.square(mu) - np.exp(log_var))
    return np.mean(np.sum(kl_loss, axis=-1))
