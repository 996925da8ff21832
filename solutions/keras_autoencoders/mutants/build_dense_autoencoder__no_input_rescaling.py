# Forgets Rescaling(1/255) on the input: the Dense layers see pixels in [0, 255].
import keras
from keras import layers


def build_dense_autoencoder(img_height, img_width, num_hidden):
    return keras.Sequential([
        keras.Input(shape=(img_height, img_width, 1)),
        layers.Flatten(),
        layers.Dense(num_hidden, activation="relu"),
        layers.Dense(img_height * img_width, activation="sigmoid"),
        layers.Reshape((img_height, img_width, 1)),
        layers.Rescaling(255.0),
    ])
