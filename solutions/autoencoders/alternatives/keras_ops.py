# keras.ops (Keras 3, backend-agnostic) in float32, returning Keras tensors; noise from the NumPy rng.
import numpy as np
from keras import ops


def denoising_mask(images, rng):
    x = ops.convert_to_tensor(images)
    mask = ops.convert_to_tensor(rng.random(size=tuple(x.shape[1:])), dtype="float32")
    return ops.multiply(mask, ops.subtract(255.0, ops.cast(x, "float32")))


def vae_sample(z_mean, z_log_var, epsilon=None, rng=None):
    z_mean = ops.convert_to_tensor(z_mean, dtype="float32")
    z_log_var = ops.convert_to_tensor(z_log_var, dtype="float32")
    if epsilon is None:
        rng = rng if rng is not None else np.random.default_rng()
        epsilon = rng.standard_normal(size=np.broadcast_shapes(tuple(z_mean.shape), tuple(z_log_var.shape)))
    epsilon = ops.convert_to_tensor(epsilon, dtype="float32")
    return z_mean + ops.exp(0.5 * z_log_var) * epsilon


def kl_divergence(z_mean, z_log_var):
    z_mean = ops.convert_to_tensor(z_mean, dtype="float32")
    z_log_var = ops.convert_to_tensor(z_log_var, dtype="float32")
    kl_loss = -0.5 * (1 + z_log_var - ops.square(z_mean) - ops.exp(z_log_var))
    return ops.sum(kl_loss, axis=-1)
