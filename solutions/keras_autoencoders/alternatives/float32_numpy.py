# vae_loss in float32 NumPy, with the cross-entropy written per pixel and the reductions spelled out.
import numpy as np


def vae_loss(images, reconstructions, z_mean, z_log_var):
    x = np.asarray(images, dtype=np.float32)
    p = np.asarray(reconstructions, dtype=np.float32)
    mu = np.asarray(z_mean, dtype=np.float32)
    log_var = np.asarray(z_log_var, dtype=np.float32)
    per_pixel = -(x * np.log(p) + (1 - x) * np.log1p(-p)).mean(axis=-1)
    per_image = per_pixel.reshape(len(per_pixel), -1).sum(axis=1)
    kl_per_code = (-0.5 * (1 + log_var - np.square(mu) - np.exp(log_var))).sum(axis=-1)
    return float(per_image.mean() + kl_per_code.mean())
