# Copies the images with images.copy(), which a tf.Tensor does not have.
import keras
import numpy as np
import tensorflow as tf


def fgsm_attack(model, images, labels, epsilon):
    if epsilon < 0:
        raise ValueError("epsilon must be >= 0")
    adversarial = images.copy()
    x = tf.constant(adversarial)
    loss_fn = keras.losses.SparseCategoricalCrossentropy(from_logits=True)
    with tf.GradientTape() as tape:
        tape.watch(x)
        loss = loss_fn(np.asarray(labels), model(x, training=False))
    adversarial += np.float32(epsilon) * np.sign(tape.gradient(loss, x).numpy())
    return np.clip(adversarial, 0.0, 1.0)
