# Calls .astype on the arguments directly: fails when they are Python lists.
import numpy as np


def vae_loss(images, reconstructions, z_mean, z_log_var):
    x = images.astype(np.float64)
    p = reconstructions.astype(np.float64)
    mu = z_mean.astype(np.float64)
    log_var = z_log_var.astype(np.float64)
    bce = -np.mean(x * np.log(p) + (1.0 - x) * np.log(1.0 - p), axis=-1)
    reconstruction = np.mean(np.sum(bce, axis=(1, 2)))
    kl = np.mean(np.sum(-0.5 * (1.0 + log_var - mu**2 - np.exp(log_var)), axis=-1))
    return float(reconstruction + kl)
