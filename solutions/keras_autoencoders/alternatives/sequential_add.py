# A Sequential model grown with .add() after its Input; a Sampler that draws in float32 explicitly.
import keras
from keras import layers, ops


def build_dense_autoencoder(img_height, img_width, num_hidden):
    model = keras.Sequential(name="autoencoder")
    model.add(keras.Input(shape=(img_height, img_width, 1)))
    model.add(layers.Rescaling(scale=1 / 255))
    model.add(layers.Flatten())
    model.add(layers.Dense(units=num_hidden, activation="relu", use_bias=True))
    model.add(layers.Dense(units=img_height * img_width, activation=keras.activations.sigmoid))
    model.add(layers.Reshape(target_shape=(img_height, img_width, 1)))
    model.add(layers.Rescaling(scale=255))
    return model


class Sampler(keras.layers.Layer):
    def __init__(self, seed=None, name="sampler", **kwargs):
        super().__init__(name=name, **kwargs)
        self.seed = seed
        self.seed_generator = keras.random.SeedGenerator(seed=seed)

    def call(self, z_mean, z_log_var):
        epsilon = keras.random.normal(shape=ops.shape(z_mean), mean=0.0, stddev=1.0, dtype="float32",
                                      seed=self.seed_generator)
        return ops.add(z_mean, ops.multiply(ops.exp(ops.multiply(0.5, z_log_var)), epsilon))
