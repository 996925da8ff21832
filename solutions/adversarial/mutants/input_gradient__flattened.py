# Returns the gradient flattened to (B, H*W*C) instead of the shape of the images.
import keras
import numpy as np
import tensorflow as tf


def input_gradient(model, images, labels):
    x = tf.constant(np.array(images, dtype=np.float32))
    loss_fn = keras.losses.SparseCategoricalCrossentropy(from_logits=True)
    with tf.GradientTape() as tape:
        tape.watch(x)
        loss = loss_fn(np.asarray(labels), model(x, training=False))
    return tf.reshape(tape.gradient(loss, x), (x.shape[0], -1)).numpy()
