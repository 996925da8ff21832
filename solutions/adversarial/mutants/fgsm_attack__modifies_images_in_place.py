# Adds the step to the caller's array in place (np.asarray does not copy float32 input).
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
    adversarial = np.asarray(images)
    adversarial += np.float32(epsilon) * np.sign(gradient.numpy())
    np.clip(adversarial, 0.0, 1.0, out=adversarial)
    return adversarial
