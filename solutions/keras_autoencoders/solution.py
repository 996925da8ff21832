"""Reference solution for the keras_autoencoders assignment (never shipped to students).

The lecture's dense autoencoder as a Sequential model, the DLwP 3rd-edition ``Sampler`` layer (one seeded
draw per call) and the keras-io VAE loss computed in NumPy (float64). Each question's code is self-contained,
so a mutant of one question cannot cost points on another.
"""

import keras
import numpy as np
from keras import layers, ops


def build_dense_autoencoder(img_height, img_width, num_hidden):
    return keras.Sequential([
        keras.Input(shape=(img_height, img_width, 1)),
        layers.Rescaling(1.0 / 255),
        layers.Flatten(),
        layers.Dense(num_hidden, activation="relu"),
        layers.Dense(img_height * img_width, activation="sigmoid"),
        layers.Reshape((img_height, img_width, 1)),
        layers.Rescaling(255.0),
    ])


class Sampler(layers.Layer):
    def __init__(self, seed=None, **kwargs):
        super().__init__(**kwargs)
        self.seed_generator = keras.random.SeedGenerator(seed)

    def call(self, z_mean, z_log_var):
        epsilon = keras.random.normal(ops.shape(z_mean), seed=self.seed_generator)
        return z_mean + ops.exp(0.5 * z_log_var) * epsilon


def vae_loss(images, reconstructions, z_mean, z_log_var):
    x = np.asarray(images, dtype=np.float64)
    p = np.asarray(reconstructions, dtype=np.float64)
    mu = np.asarray(z_mean, dtype=np.float64)
    log_var = np.asarray(z_log_var, dtype=np.float64)
    bce = -np.mean(x * np.log(p) + (1.0 - x) * np.log(1.0 - p), axis=-1)
    reconstruction = np.mean(np.sum(bce, axis=(1, 2)))
    kl = np.mean(np.sum(-0.5 * (1.0 + log_var - mu**2 - np.exp(log_var)), axis=-1))
    return float(reconstruction + kl)
