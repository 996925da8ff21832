# Returns the perturbation epsilon * sign(gradient) (the TF tutorial's adversarial pattern), not the attacked images.
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
    return (epsilon * tf.sign(gradient)).numpy()
