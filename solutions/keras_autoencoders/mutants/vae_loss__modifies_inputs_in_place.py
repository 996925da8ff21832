# Computes exp(z_log_var) in place (np.exp(..., out=z_log_var)) to save memory: the caller's z_log_var changes.
import numpy as np


def vae_loss(images, reconstructions, z_mean, z_log_var):
    x = np.asarray(images, dtype=np.float64)
    p = np.asarray(reconstructions, dtype=np.float64)
    mu = np.asarray(z_mean, dtype=np.float64)
    log_var = np.asarray(z_log_var, dtype=np.float64)
    terms = 1.0 + log_var - mu**2
    terms -= np.exp(log_var, out=log_var)
    bce = -np.mean(x * np.log(p) + (1.0 - x) * np.log(1.0 - p), axis=-1)
    reconstruction = np.mean(np.sum(bce, axis=(1, 2)))
    kl = np.mean(np.sum(-0.5 * terms, axis=-1))
    return float(reconstruction + kl)
