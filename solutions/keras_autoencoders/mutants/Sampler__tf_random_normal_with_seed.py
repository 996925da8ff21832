# tf.random.normal with the integer seed (TensorFlow's stateful op seed) instead of keras.random with a SeedGenerator.
import tensorflow as tf
from keras import layers


class Sampler(layers.Layer):
    def __init__(self, seed=None, **kwargs):
        super().__init__(**kwargs)
        self.seed = seed

    def call(self, z_mean, z_log_var):
        epsilon = tf.random.normal(tf.shape(z_mean), seed=self.seed)
        return z_mean + tf.exp(0.5 * z_log_var) * epsilon
