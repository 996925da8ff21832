# Explains the model's predicted class instead of each image's label.
import numpy as np
import tensorflow as tf


def saliency_map(model, images, labels):
    x = tf.constant(np.array(images, dtype=np.float32))
    with tf.GradientTape() as tape:
        tape.watch(x)
        logits = model(x, training=False)
        score = tf.reduce_sum(tf.reduce_max(logits, axis=1))
    gradient = tape.gradient(score, x).numpy()
    return np.max(np.abs(gradient), axis=-1)
