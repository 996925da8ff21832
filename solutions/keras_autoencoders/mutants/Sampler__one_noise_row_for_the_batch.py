# Draws one noise row of shape (1, D) and shares it between all rows of the batch.
import keras
from keras import layers, ops


class Sampler(layers.Layer):
    def __init__(self, seed=None, **kwargs):
        super().__init__(**kwargs)
        self.seed_generator = keras.random.SeedGenerator(seed)

    def call(self, z_mean, z_log_var):
        epsilon = keras.random.normal((1, ops.shape(z_mean)[1]), seed=self.seed_generator)
        return z_mean + ops.exp(0.5 * z_log_var) * epsilon
