# Attacks the model's predicted classes (as Kurakin et al. 2017 do) instead of the true labels.
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
        logits = model(x, training=False)
        loss = loss_fn(tf.argmax(logits, axis=1), logits)
    gradient = tape.gradient(loss, x)
    return tf.clip_by_value(x + epsilon * tf.sign(gradient), 0.0, 1.0).numpy()
