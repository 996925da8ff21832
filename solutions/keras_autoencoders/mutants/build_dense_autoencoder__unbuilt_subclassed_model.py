# A subclassed model returned without calling it once: it has no weights yet (not built).
import keras
from keras import layers


def build_dense_autoencoder(img_height, img_width, num_hidden):
    class DenseAutoencoder(keras.Model):
        def __init__(self):
            super().__init__()
            self.scale_in = layers.Rescaling(1.0 / 255)
            self.flatten = layers.Flatten()
            self.encoder = layers.Dense(num_hidden, activation="relu")
            self.decoder = layers.Dense(img_height * img_width, activation="sigmoid")
            self.reshape = layers.Reshape((img_height, img_width, 1))
            self.scale_out = layers.Rescaling(255.0)

        def call(self, images):
            x = self.flatten(self.scale_in(images))
            return self.scale_out(self.reshape(self.decoder(self.encoder(x))))

    return DenseAutoencoder()
