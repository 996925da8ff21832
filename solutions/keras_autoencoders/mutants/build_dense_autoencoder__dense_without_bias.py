# Dense layers without biases (use_bias=False): 5,120,000 parameters instead of 5,126,800.
import keras
from keras import layers


def build_dense_autoencoder(img_height, img_width, num_hidden):
    return keras.Sequential([
        keras.Input(shape=(img_height, img_width, 1)),
        layers.Rescaling(1.0 / 255),
        layers.Flatten(),
        layers.Dense(num_hidden, activation="relu", use_bias=False),
        layers.Dense(img_height * img_width, activation="sigmoid", use_bias=False),
        layers.Reshape((img_height, img_width, 1)),
        layers.Rescaling(255.0),
    ])
