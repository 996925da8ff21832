# Takes a training step on the model while computing the map (the weights change).
import keras
import numpy as np
import tensorflow as tf


def saliency_map(model, images, labels):
    x = tf.constant(np.array(images, dtype=np.float32))
    y = np.asarray(labels).astype(np.int64)
    with tf.GradientTape(persistent=True) as tape:
        tape.watch(x)
        logits = model(x, training=True)
        score = tf.reduce_sum(tf.gather(logits, y, axis=1, batch_dims=1))
        loss = keras.losses.sparse_categorical_crossentropy(y, logits, from_logits=True)
    gradient = tape.gradient(score, x).numpy()
    weight_grads = tape.gradient(loss, model.trainable_variables)
    keras.optimizers.SGD(learning_rate=0.01).apply_gradients(zip(weight_grads, model.trainable_variables))
    return np.max(np.abs(gradient), axis=-1)
