# The same computations compiled with tf.function (traced per input signature; the ValueError is raised while tracing).
import keras
import tensorflow as tf


@tf.function
def input_gradient(model, images, labels):
    x = tf.cast(images, tf.float32)
    y = tf.convert_to_tensor(labels)  # a Python list arrives here as a list of constants
    with tf.GradientTape() as tape:
        tape.watch(x)
        loss = keras.losses.SparseCategoricalCrossentropy(from_logits=True)(y, model(x, training=False))
    return tape.gradient(loss, x)


@tf.function
def fgsm_attack(model, images, labels, epsilon):
    if epsilon < 0:
        raise ValueError("epsilon must be >= 0")
    x = tf.cast(images, tf.float32)
    y = tf.convert_to_tensor(labels)  # a Python list arrives here as a list of constants
    with tf.GradientTape() as tape:
        tape.watch(x)
        loss = keras.losses.SparseCategoricalCrossentropy(from_logits=True)(y, model(x, training=False))
    return tf.clip_by_value(x + epsilon * tf.sign(tape.gradient(loss, x)), 0.0, 1.0)


@tf.function
def saliency_map(model, images, labels):
    x = tf.cast(images, tf.float32)
    with tf.GradientTape() as tape:
        tape.watch(x)
        logits = model(x, training=False)
        rows = tf.stack([tf.range(tf.shape(logits)[0]), tf.cast(labels, tf.int32)], axis=1)
        score = tf.reduce_sum(tf.gather_nd(logits, rows))
    return tf.reduce_max(tf.abs(tape.gradient(score, x)), axis=-1)
