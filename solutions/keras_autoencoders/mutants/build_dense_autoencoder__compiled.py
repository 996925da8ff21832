# Compiles the model (adam, binary cross-entropy) before returning it.
import keras
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
    model.compile(optimizer="adam", loss="binary_crossentropy")
    return model
