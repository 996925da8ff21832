# A plain Python class with __call__ instead of a keras.layers.Layer subclass (same draws).
import keras
from keras import ops


class Sampler:
    def __init__(self, seed=None, **kwargs):
        self.seed_generator = keras.random.SeedGenerator(seed)

    def __call__(self, z_mean, z_log_var):
        z_mean = ops.convert_to_tensor(z_mean)
        epsilon = keras.random.normal(ops.shape(z_mean), seed=self.seed_generator)
        return z_mean + ops.exp(0.5 * ops.convert_to_tensor(z_log_var)) * epsilon
