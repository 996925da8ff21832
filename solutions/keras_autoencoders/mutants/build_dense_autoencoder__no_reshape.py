# Leaves out the Reshape: the output is a flat vector (B, h*w) per image.
import keras
from keras import layers


def build_dense_autoencoder(img_height, img_width, num_hidden):
    return keras.Sequential([
        keras.Input(shape=(img_height, img_width, 1)),
        layers.Rescaling(1.0 / 255),
        layers.Flatten(),
        layers.Dense(num_hidden, activation="relu"),
        layers.Dense(img_height * img_width, activation="sigmoid"),
        layers.Rescaling(255.0),
    ])
