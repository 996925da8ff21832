# Computes z_mean + np.exp(0.5 * z_log_var) * epsilon on the inputs as given: 0.5 * a Python list raises TypeError.
import numpy as np


def vae_sample(z_mean, z_log_var, epsilon=None, rng=None):
    if epsilon is None:
        rng = np.random.default_rng() if rng is None else rng
        epsilon = rng.standard_normal(np.broadcast_shapes(np.shape(z_mean), np.shape(z_log_var)))
    return z_mean + np.exp(0.5 * z_log_var) * epsilon
