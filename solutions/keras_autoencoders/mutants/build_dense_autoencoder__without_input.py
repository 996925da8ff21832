# A Sequential model without keras.Input: not built when returned (no weights until its first call).
import keras
from keras import layers


def build_dense_autoencoder(img_height, img_width, num_hidden):
    return keras.Sequential([
        layers.Rescaling(1.0 / 255),
        layers.Flatten(),
        layers.Dense(num_hidden, activation="relu"),
        layers.Dense(img_height * img_width, activation="sigmoid"),
        layers.Reshape((img_height, img_width, 1)),
        layers.Rescaling(255.0),
    ])
