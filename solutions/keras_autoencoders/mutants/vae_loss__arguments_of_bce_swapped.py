# Calls keras.losses.binary_crossentropy(reconstructions, images): target and prediction swapped.
import keras
import numpy as np


def vae_loss(images, reconstructions, z_mean, z_log_var):
    x = np.asarray(images, dtype=np.float32)
    p = np.asarray(reconstructions, dtype=np.float32)
    mu = np.asarray(z_mean, dtype=np.float64)
    log_var = np.asarray(z_log_var, dtype=np.float64)
    bce = np.asarray(keras.losses.binary_crossentropy(p, x), dtype=np.float64)
    reconstruction = np.mean(np.sum(bce, axis=(1, 2)))
    kl = np.mean(np.sum(-0.5 * (1.0 + log_var - mu**2 - np.exp(log_var)), axis=-1))
    return float(reconstruction + kl)
