# Divides each map by its maximum (for display, as some tutorials do): values in [0, 1], not the gradient.
import numpy as np
import tensorflow as tf


def saliency_map(model, images, labels):
    x = tf.constant(np.array(images, dtype=np.float32))
    y = np.asarray(labels).astype(np.int64)
    with tf.GradientTape() as tape:
        tape.watch(x)
        score = tf.reduce_sum(tf.gather(model(x, training=False), y, axis=1, batch_dims=1))
    gradient = tape.gradient(score, x).numpy()
    maps = np.max(np.abs(gradient), axis=-1)
    return maps / maps.max(axis=(1, 2), keepdims=True)
