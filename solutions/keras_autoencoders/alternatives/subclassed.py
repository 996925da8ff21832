# A subclassed keras.Model (built by calling it once on a batch of zeros); a Sampler using sqrt(exp(log_var)).
import keras
import numpy as np
from keras import layers, ops


def build_dense_autoencoder(img_height, img_width, num_hidden):
    class DenseAutoencoder(keras.Model):
        def __init__(self, **kwargs):
            super().__init__(**kwargs)
            self.decoder = layers.Dense(img_height * img_width, activation="sigmoid")
            self.encoder = layers.Dense(num_hidden, activation="relu")
            self.scale_in = layers.Rescaling(1.0 / 255)
            self.flatten = layers.Flatten()
            self.unflatten = layers.Reshape((img_height, img_width, 1))
            self.scale_out = layers.Rescaling(255.0)

        def call(self, images):
            code = self.encoder(self.flatten(self.scale_in(images)))
            return self.scale_out(self.unflatten(self.decoder(code)))

    model = DenseAutoencoder()
    model(np.zeros((1, img_height, img_width, 1), dtype="float32"))
    return model


class Sampler(layers.Layer):
    def __init__(self, seed=None, **kwargs):
        super().__init__(**kwargs)
        self.seed_generator = keras.random.SeedGenerator(seed)

    def call(self, z_mean, z_log_var):
        std = ops.sqrt(ops.exp(z_log_var))
        return z_mean + std * keras.random.normal(ops.shape(z_mean), seed=self.seed_generator)
