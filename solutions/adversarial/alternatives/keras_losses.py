# tf.GradientTape with the functional Keras loss (per-image losses, then their mean); tensors in, tensors out;
# fgsm_attack builds on input_gradient, as a student would.
import keras
import tensorflow as tf


def input_gradient(model, images, labels):
    x = tf.convert_to_tensor(images, dtype=tf.float32)
    y = tf.convert_to_tensor(labels)
    with tf.GradientTape() as tape:
        tape.watch(x)
        per_image = keras.losses.sparse_categorical_crossentropy(y, model(x), from_logits=True)
        loss = tf.reduce_mean(per_image)
    return tape.gradient(loss, x)


def fgsm_attack(model, images, labels, epsilon):
    if epsilon < 0:
        raise ValueError("epsilon must not be negative")
    x = tf.convert_to_tensor(images, dtype=tf.float32)
    if epsilon == 0:
        return x
    gradient = input_gradient(model, x, labels)
    return tf.clip_by_value(x + epsilon * tf.sign(gradient), 0.0, 1.0)


def saliency_map(model, images, labels):
    x = tf.convert_to_tensor(images, dtype=tf.float32)
    with tf.GradientTape() as tape:
        tape.watch(x)
        logits = model(x, training=False)
        mask = tf.one_hot(tf.convert_to_tensor(labels), depth=logits.shape[-1])
        score = tf.reduce_sum(logits * mask)
    return tf.reduce_max(tf.abs(tape.gradient(score, x)), axis=-1)
