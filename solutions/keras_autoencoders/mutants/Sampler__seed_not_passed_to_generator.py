# Creates keras.random.SeedGenerator() without the seed: layers built with the same seed differ.
import keras
from keras import layers, ops


class Sampler(layers.Layer):
    def __init__(self, seed=None, **kwargs):
        super().__init__(**kwargs)
        self.seed_generator = keras.random.SeedGenerator()

    def call(self, z_mean, z_log_var):
        epsilon = keras.random.normal(ops.shape(z_mean), seed=self.seed_generator)
        return z_mean + ops.exp(0.5 * z_log_var) * epsilon
