# Differentiates with respect to the model's first kernel (as in training) instead of the images.
import keras
import numpy as np
import tensorflow as tf


def input_gradient(model, images, labels):
    x = tf.constant(np.array(images, dtype=np.float32))
    loss_fn = keras.losses.SparseCategoricalCrossentropy(from_logits=True)
    with tf.GradientTape() as tape:
        loss = loss_fn(np.asarray(labels), model(x, training=False))
    return tape.gradient(loss, model.trainable_variables[0]).numpy()
