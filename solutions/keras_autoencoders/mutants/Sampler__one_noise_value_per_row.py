# Wrong noise shape (B, 1): one epsilon per row, shared by all latent dimensions of that row.
import keras
from keras import layers, ops


class Sampler(layers.Layer):
    def __init__(self, seed=None, **kwargs):
        super().__init__(**kwargs)
        self.seed_generator = keras.random.SeedGenerator(seed)

    def call(self, z_mean, z_log_var):
        epsilon = keras.random.normal((ops.shape(z_mean)[0], 1), seed=self.seed_generator)
        return z_mean + ops.exp(0.5 * z_log_var) * epsilon
