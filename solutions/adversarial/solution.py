"""Reference solution for the adversarial assignment (never shipped to students).

TensorFlow's ``GradientTape`` on the model handed over, Keras's sparse cross-entropy from logits with
its default (mean) reduction. Each question's function is self-contained (none calls another), so a
mutant of one question cannot cost points on another. ``make_classifier`` stands for the notebook's
given helper (the public tests build their models with it).
"""

import numpy as np


def input_gradient(model, images, labels):
    import keras
    import tensorflow as tf

    x = tf.constant(np.array(images, dtype=np.float32))
    y = tf.constant(np.asarray(labels).reshape(-1).astype(np.int64))
    cross_entropy = keras.losses.SparseCategoricalCrossentropy(from_logits=True)
    with tf.GradientTape() as tape:
        tape.watch(x)
        batch_loss = cross_entropy(y, model(x, training=False))
    return tape.gradient(batch_loss, x).numpy()


def fgsm_attack(model, images, labels, epsilon):
    import keras
    import tensorflow as tf

    if not epsilon >= 0:
        raise ValueError(f"epsilon must be >= 0, not {epsilon!r}")
    x = np.array(images, dtype=np.float32)
    if epsilon == 0:
        return x
    y = tf.constant(np.asarray(labels).reshape(-1).astype(np.int64))
    x_tensor = tf.constant(x)
    cross_entropy = keras.losses.SparseCategoricalCrossentropy(from_logits=True)
    with tf.GradientTape() as tape:
        tape.watch(x_tensor)
        batch_loss = cross_entropy(y, model(x_tensor, training=False))
    step = np.float32(epsilon) * np.sign(tape.gradient(batch_loss, x_tensor).numpy())
    return np.clip(x + step, 0.0, 1.0)


def saliency_map(model, images, labels):
    import tensorflow as tf

    x = tf.constant(np.array(images, dtype=np.float32))
    y = tf.constant(np.asarray(labels).reshape(-1).astype(np.int64))
    with tf.GradientTape() as tape:
        tape.watch(x)
        label_logits = tf.gather(model(x, training=False), y, axis=1, batch_dims=1)
        total = tf.reduce_sum(label_logits)  # images are independent: d total / d x_b = d logit_b / d x_b
    gradient = tape.gradient(total, x).numpy()
    return np.max(np.abs(gradient), axis=-1)


def make_classifier(kind="mlp", input_shape=(8, 8, 1), classes=3, seed=0):
    from autograder.models import KerasClassifier

    return KerasClassifier(kind, tuple(input_shape), classes, seed=seed).build()
