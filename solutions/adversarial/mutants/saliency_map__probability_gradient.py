# Takes the gradient of the label's softmax probability instead of its logit.
import numpy as np
import tensorflow as tf


def saliency_map(model, images, labels):
    x = tf.constant(np.array(images, dtype=np.float32))
    y = np.asarray(labels).astype(np.int64)
    with tf.GradientTape() as tape:
        tape.watch(x)
        probabilities = tf.nn.softmax(model(x, training=False))
        score = tf.reduce_sum(tf.gather(probabilities, y, axis=1, batch_dims=1))
    gradient = tape.gradient(score, x).numpy()
    return np.max(np.abs(gradient), axis=-1)
