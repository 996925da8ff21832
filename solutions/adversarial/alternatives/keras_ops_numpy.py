# The loss written with keras.ops (log_softmax and take_along_axis), the gradient from tf.GradientTape, then NumPy
# for everything after it (float64 sign, clip, abs and max).
import numpy as np
import tensorflow as tf
from keras import ops


def input_gradient(model, images, labels):
    x = tf.constant(np.array(images, dtype=np.float32))
    index = np.asarray(labels, dtype=np.int64).reshape(-1, 1)
    with tf.GradientTape() as tape:
        tape.watch(x)
        log_probs = ops.log_softmax(model(x, training=False), axis=-1)
        loss = -ops.mean(ops.take_along_axis(log_probs, index, axis=1))
    return np.asarray(tape.gradient(loss, x))


def fgsm_attack(model, images, labels, epsilon):
    if epsilon < 0:
        raise ValueError("epsilon must be >= 0")
    x = np.array(images, dtype=np.float64)
    gradient = input_gradient(model, images, labels)
    return np.clip(x + epsilon * np.sign(gradient), 0.0, 1.0)


def saliency_map(model, images, labels):
    x = tf.constant(np.array(images, dtype=np.float32))
    index = np.asarray(labels, dtype=np.int64).reshape(-1, 1)
    with tf.GradientTape() as tape:
        tape.watch(x)
        score = ops.sum(ops.take_along_axis(model(x), index, axis=1))
    return np.max(np.abs(np.asarray(tape.gradient(score, x))), axis=-1)
