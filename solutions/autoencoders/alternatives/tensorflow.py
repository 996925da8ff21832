# TensorFlow ops in float32, returning tf tensors; the random numbers still come from the NumPy rng.
import numpy as np
import tensorflow as tf


def denoising_mask(images, rng):
    x = tf.convert_to_tensor(images)
    mask = tf.constant(rng.random(size=tuple(x.shape[1:])), dtype=tf.float32)
    return mask * (255.0 - tf.cast(x, tf.float32))


def vae_sample(z_mean, z_log_var, epsilon=None, rng=None):
    z_mean = tf.convert_to_tensor(z_mean, dtype=tf.float32)
    z_log_var = tf.convert_to_tensor(z_log_var, dtype=tf.float32)
    if epsilon is None:
        rng = rng if rng is not None else np.random.default_rng()
        shape = tf.broadcast_static_shape(z_mean.shape, z_log_var.shape)
        epsilon = rng.standard_normal(size=tuple(shape))
    epsilon = tf.convert_to_tensor(epsilon, dtype=tf.float32)
    return z_mean + tf.exp(0.5 * z_log_var) * epsilon


def kl_divergence(z_mean, z_log_var):
    z_mean = tf.convert_to_tensor(z_mean, dtype=tf.float32)
    z_log_var = tf.convert_to_tensor(z_log_var, dtype=tf.float32)
    kl = -0.5 * (1 + z_log_var - tf.square(z_mean) - tf.exp(z_log_var))
    return tf.reduce_sum(kl, axis=-1)
