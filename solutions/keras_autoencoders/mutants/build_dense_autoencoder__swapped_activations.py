# Swaps the activations: sigmoid in the hidden layer, relu on the output layer.
import keras
from keras import layers


def build_dense_autoencoder(img_height, img_width, num_hidden):
    return keras.Sequential([
        keras.Input(shape=(img_height, img_width, 1)),
        layers.Rescaling(1.0 / 255),
        layers.Flatten(),
        layers.Dense(num_hidden, activation="sigmoid"),
        layers.Dense(img_height * img_width, activation="relu"),
        layers.Reshape((img_height, img_width, 1)),
        layers.Rescaling(255.0),
    ])
