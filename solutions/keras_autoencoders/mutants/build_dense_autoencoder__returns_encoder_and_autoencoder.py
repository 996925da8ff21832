# Returns (encoder, autoencoder), as some tutorials do, instead of the autoencoder alone.
import keras
from keras import layers


def build_dense_autoencoder(img_height, img_width, num_hidden):
    inputs = keras.Input(shape=(img_height, img_width, 1))
    code = layers.Dense(num_hidden, activation="relu")(layers.Flatten()(layers.Rescaling(1.0 / 255)(inputs)))
    x = layers.Dense(img_height * img_width, activation="sigmoid")(code)
    outputs = layers.Rescaling(255.0)(layers.Reshape((img_height, img_width, 1))(x))
    return keras.Model(inputs, code), keras.Model(inputs, outputs)
