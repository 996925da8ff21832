# Calls labels.astype(...), which fails when the labels come as a Python list.
import keras
import numpy as np
import tensorflow as tf


def input_gradient(model, images, labels):
    x = tf.constant(np.array(images, dtype=np.float32))
    y = tf.constant(labels.astype(np.int64))
    loss_fn = keras.losses.SparseCategoricalCrossentropy(from_logits=True)
    with tf.GradientTape() as tape:
        tape.watch(x)
        loss = loss_fn(y, model(x, training=False))
    return tape.gradient(loss, x).numpy()
