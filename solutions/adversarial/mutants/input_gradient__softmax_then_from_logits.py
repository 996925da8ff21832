# Applies softmax to the logits and then feeds the probabilities to a from_logits=True loss (softmax twice).
import keras
import numpy as np
import tensorflow as tf


def input_gradient(model, images, labels):
    x = tf.constant(np.array(images, dtype=np.float32))
    loss_fn = keras.losses.SparseCategoricalCrossentropy(from_logits=True)
    with tf.GradientTape() as tape:
        tape.watch(x)
        probabilities = tf.nn.softmax(model(x, training=False))
        loss = loss_fn(np.asarray(labels), probabilities)
    return tape.gradient(loss, x).numpy()
