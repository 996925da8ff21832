# Draws the noise row by row in a Python loop: B draws per call instead of one.
import keras
from keras import layers, ops


class Sampler(layers.Layer):
    def __init__(self, seed=None, **kwargs):
        super().__init__(**kwargs)
        self.seed_generator = keras.random.SeedGenerator(seed)

    def call(self, z_mean, z_log_var):
        batch, dim = ops.shape(z_mean)
        rows = [keras.random.normal((dim,), seed=self.seed_generator) for _ in range(batch)]
        return z_mean + ops.exp(0.5 * z_log_var) * ops.stack(rows)
