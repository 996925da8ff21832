# Passes the integer seed to keras.random.normal at every call: the same noise every call.
import keras
from keras import layers, ops


class Sampler(layers.Layer):
    def __init__(self, seed=None, **kwargs):
        super().__init__(**kwargs)
        self.seed = seed

    def call(self, z_mean, z_log_var):
        epsilon = keras.random.normal(ops.shape(z_mean), seed=self.seed)
        return z_mean + ops.exp(0.5 * z_log_var) * epsilon
