# Returns only the KL term: the reconstruction term is computed but not added.
import numpy as np


def vae_loss(images, reconstructions, z_mean, z_log_var):
    mu = np.asarray(z_mean, dtype=np.float64)
    log_var = np.asarray(z_log_var, dtype=np.float64)
    kl = np.mean(np.sum(-0.5 * (1.0 + log_var - mu**2 - np.exp(log_var)), axis=-1))
    return float(kl)
