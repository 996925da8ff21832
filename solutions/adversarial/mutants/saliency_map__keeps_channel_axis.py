# Returns |gradient| with its channel axis (B, H, W, C) instead of the maximum over it.
import numpy as np
import tensorflow as tf


def saliency_map(model, images, labels):
    x = tf.constant(np.array(images, dtype=np.float32))
    y = np.asarray(labels).astype(np.int64)
    with tf.GradientTape() as tape:
        tape.watch(x)
        score = tf.reduce_sum(tf.gather(model(x, training=False), y, axis=1, batch_dims=1))
    gradient = tape.gradient(score, x).numpy()
    return np.abs(gradient)
