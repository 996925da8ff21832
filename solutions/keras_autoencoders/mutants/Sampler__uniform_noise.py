# Uniform noise in [-1, 1) instead of standard normal noise.
import keras
from keras import layers, ops


class Sampler(layers.Layer):
    def __init__(self, seed=None, **kwargs):
        super().__init__(**kwargs)
        self.seed_generator = keras.random.SeedGenerator(seed)

    def call(self, z_mean, z_log_var):
        epsilon = keras.random.uniform(ops.shape(z_mean), minval=-1.0, maxval=1.0, seed=self.seed_generator)
        return z_mean + ops.exp(0.5 * z_log_var) * epsilon
