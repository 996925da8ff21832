# Returns (adversarial images, perturbation) instead of the adversarial images alone.
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
    perturbation = epsilon * tf.sign(gradient)
    return tf.clip_by_value(x + perturbation, 0.0, 1.0).numpy(), perturbation.numpy()
