# Accepts epsilon < 0 (a step that lowers the loss) instead of raising ValueError.
import keras
import numpy as np
import tensorflow as tf


def fgsm_attack(model, images, labels, epsilon):
    x = tf.constant(np.array(images, dtype=np.float32))
    loss_fn = keras.losses.SparseCategoricalCrossentropy(from_logits=True)
    with tf.GradientTape() as tape:
        tape.watch(x)
        loss = loss_fn(np.asarray(labels), model(x, training=False))
    gradient = tape.gradient(loss, x)
    return tf.clip_by_value(x + epsilon * tf.sign(gradient), 0.0, 1.0).numpy()
