# Treats a zero gradient as positive (np.where(g >= 0, 1, -1)): ignored pixels move too.
import keras
import numpy as np
import tensorflow as tf


def fgsm_attack(model, images, labels, epsilon):
    if epsilon < 0:
        raise ValueError("epsilon must be >= 0")
    x = tf.constant(np.array(images, dtype=np.float32))
    loss_fn = keras.losses.SparseCategoricalCrossentropy(from_logits=True)
    with tf.GradientTape() as tape:
        tape.watch(x)
        loss = loss_fn(np.asarray(labels), model(x, training=False))
    gradient = tape.gradient(loss, x)
    direction = np.where(gradient.numpy() >= 0, 1.0, -1.0)
    return np.clip(np.asarray(images, dtype=np.float32) + epsilon * direction, 0.0, 1.0)
