# Differentiates the batch MEAN of the label logits: every map is divided by the batch size.
import numpy as np
import tensorflow as tf


def saliency_map(model, images, labels):
    x = tf.constant(np.array(images, dtype=np.float32))
    y = np.asarray(labels).astype(np.int64)
    with tf.GradientTape() as tape:
        tape.watch(x)
        score = tf.reduce_mean(tf.gather(model(x, training=False), y, axis=1, batch_dims=1))
    gradient = tape.gradient(score, x).numpy()
    return np.max(np.abs(gradient), axis=-1)
