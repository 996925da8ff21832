# Calls labels.reshape(...), which fails when the labels come as a Python list.
import numpy as np
import tensorflow as tf


def saliency_map(model, images, labels):
    x = tf.constant(np.array(images, dtype=np.float32))
    with tf.GradientTape() as tape:
        tape.watch(x)
        logits = model(x, training=False)
        score = tf.reduce_sum(tf.experimental.numpy.take_along_axis(logits, labels.reshape(-1, 1), axis=1))
    return np.max(np.abs(tape.gradient(score, x).numpy()), axis=-1)
