# Sums the reconstruction term over the batch as well instead of averaging it over the batch.
import numpy as np


def vae_loss(images, reconstructions, z_mean, z_log_var):
    x = np.asarray(images, dtype=np.float64)
    p = np.asarray(reconstructions, dtype=np.float64)
    mu = np.asarray(z_mean, dtype=np.float64)
    log_var = np.asarray(z_log_var, dtype=np.float64)
    bce = -np.mean(x * np.log(p) + (1.0 - x) * np.log(1.0 - p), axis=-1)
    reconstruction = np.sum(bce)
    kl = np.mean(np.sum(-0.5 * (1.0 + log_var - mu**2 - np.exp(log_var)), axis=-1))
    return float(reconstruction + kl)
