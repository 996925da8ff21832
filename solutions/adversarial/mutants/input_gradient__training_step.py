# Computes the right gradient, then also takes an SGD training step on the model (copied from a training loop).
import keras
import numpy as np
import tensorflow as tf


def input_gradient(model, images, labels):
    x = tf.constant(np.array(images, dtype=np.float32))
    loss_fn = keras.losses.SparseCategoricalCrossentropy(from_logits=True)
    with tf.GradientTape(persistent=True) as tape:
        tape.watch(x)
        loss = loss_fn(np.asarray(labels), model(x, training=True))
    gradient = tape.gradient(loss, x)
    weight_grads = tape.gradient(loss, model.trainable_variables)
    keras.optimizers.SGD(learning_rate=0.01).apply_gradients(zip(weight_grads, model.trainable_variables))
    return gradient.numpy()
