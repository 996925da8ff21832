# vae_loss with keras.ops and keras.losses.binary_crossentropy (float32 tensors), as in the keras-io example.
import keras
from keras import ops


def vae_loss(images, reconstructions, z_mean, z_log_var):
    images = ops.convert_to_tensor(images, dtype="float32")
    reconstructions = ops.convert_to_tensor(reconstructions, dtype="float32")
    z_mean = ops.convert_to_tensor(z_mean, dtype="float32")
    z_log_var = ops.convert_to_tensor(z_log_var, dtype="float32")
    reconstruction_loss = ops.mean(ops.sum(keras.losses.binary_crossentropy(images, reconstructions), axis=(1, 2)))
    kl_loss = -0.5 * (1 + z_log_var - ops.square(z_mean) - ops.exp(z_log_var))
    kl_loss = ops.mean(ops.sum(kl_loss, axis=1))
    return float(reconstruction_loss + kl_loss)
