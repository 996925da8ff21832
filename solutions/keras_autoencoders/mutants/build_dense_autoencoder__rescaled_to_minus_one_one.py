# Scales the input to [-1, 1] with Rescaling(1/127.5, offset=-1), as in other Keras examples.
import keras
from keras import layers


def build_dense_autoencoder(img_height, img_width, num_hidden):
    return keras.Sequential([
        keras.Input(shape=(img_height, img_width, 1)),
        layers.Rescaling(1.0 / 127.5, offset=-1.0),
        layers.Flatten(),
        layers.Dense(num_hidden, activation="relu"),
        layers.Dense(img_height * img_width, activation="sigmoid"),
        layers.Reshape((img_height, img_width, 1)),
        layers.Rescaling(255.0),
    ])
