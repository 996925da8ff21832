# Differentiates the sum of the label logits (the saliency quantity) instead of the cross-entropy loss.
import numpy as np
import tensorflow as tf


def input_gradient(model, images, labels):
    x = tf.constant(np.array(images, dtype=np.float32))
    y = np.asarray(labels).astype(np.int64)
    with tf.GradientTape() as tape:
        tape.watch(x)
        score = tf.reduce_sum(tf.gather(model(x, training=False), y, axis=1, batch_dims=1))
    return tape.gradient(score, x).numpy()
