# Takes a training step on the model after computing the attack (the weights change).
import keras
import numpy as np
import tensorflow as tf


def fgsm_attack(model, images, labels, epsilon):
    if epsilon < 0:
        raise ValueError("epsilon must be >= 0")
    x = tf.constant(np.array(images, dtype=np.float32))
    loss_fn = keras.losses.SparseCategoricalCrossentropy(from_logits=True)
    with tf.GradientTape(persistent=True) as tape:
        tape.watch(x)
        loss = loss_fn(np.asarray(labels), model(x, training=True))
    gradient = tape.gradient(loss, x)
    weight_grads = tape.gradient(loss, model.trainable_variables)
    keras.optimizers.SGD(learning_rate=0.01).apply_gradients(zip(weight_grads, model.trainable_variables))
    return tf.clip_by_value(x + epsilon * tf.sign(gradient), 0.0, 1.0).numpy()
