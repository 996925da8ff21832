# Writes the gradient into the caller's images array to save memory (np.asarray does not copy float32 input).
import keras
import numpy as np
import tensorflow as tf


def input_gradient(model, images, labels):
    out = np.asarray(images)
    x = tf.constant(np.array(images, dtype=np.float32))
    loss_fn = keras.losses.SparseCategoricalCrossentropy(from_logits=True)
    with tf.GradientTape() as tape:
        tape.watch(x)
        loss = loss_fn(np.asarray(labels), model(x, training=False))
    out[...] = tape.gradient(loss, x).numpy()
    return out
