# The functional API (keras.Model(inputs, outputs)); the DLwP 3rd-edition Sampler with (batch_size, z_size).
import keras
from keras import layers, ops


def build_dense_autoencoder(img_height, img_width, num_hidden):
    inputs = keras.Input(shape=(img_height, img_width, 1))
    x = layers.Rescaling(1.0 / 255)(inputs)
    x = layers.Flatten()(x)
    code = layers.Dense(num_hidden, activation="relu")(x)
    x = layers.Dense(img_height * img_width, activation="sigmoid")(code)
    x = layers.Reshape((img_height, img_width, 1))(x)
    outputs = layers.Rescaling(255.0)(x)
    return keras.Model(inputs, outputs, name="dense_autoencoder")


class Sampler(keras.layers.Layer):
    def __init__(self, seed=None, **kwargs):
        super().__init__(**kwargs)
        self.seed_generator = keras.random.SeedGenerator(seed)

    def call(self, z_mean, z_log_var):
        batch_size = ops.shape(z_mean)[0]
        z_size = ops.shape(z_mean)[1]
        epsilon = keras.random.normal((batch_size, z_size), seed=self.seed_generator)
        return z_mean + ops.exp(0.5 * z_log_var) * epsilon
