# vae_loss in TensorFlow as keras-io's vae.py writes it (returns a 0-d float32 tensor); a Sampler with tf ops.
import keras
import tensorflow as tf


def vae_loss(images, reconstructions, z_mean, z_log_var):
    data = tf.constant(images, dtype=tf.float32)
    reconstruction = tf.constant(reconstructions, dtype=tf.float32)
    z_mean = tf.constant(z_mean, dtype=tf.float32)
    z_log_var = tf.constant(z_log_var, dtype=tf.float32)
    reconstruction_loss = tf.reduce_mean(
        tf.reduce_sum(keras.losses.binary_crossentropy(data, reconstruction), axis=(1, 2)))
    kl_loss = -0.5 * (1 + z_log_var - tf.square(z_mean) - tf.exp(z_log_var))
    kl_loss = tf.reduce_mean(tf.reduce_sum(kl_loss, axis=1))
    return reconstruction_loss + kl_loss


class Sampler(keras.layers.Layer):
    def __init__(self, seed=None, **kwargs):
        super().__init__(**kwargs)
        self.seed_generator = keras.random.SeedGenerator(seed)

    def call(self, z_mean, z_log_var):
        epsilon = keras.random.normal(tf.shape(z_mean), seed=self.seed_generator)
        return z_mean + tf.exp(0.5 * z_log_var) * epsilon
