# tf.nn.sparse_softmax_cross_entropy_with_logits and a tf.Variable (watched automatically); one tape per image for
# the saliency maps.
import numpy as np
import tensorflow as tf


def input_gradient(model, images, labels):
    x = tf.Variable(np.asarray(images, dtype=np.float32))
    y = tf.constant(np.asarray(labels), dtype=tf.int32)
    with tf.GradientTape() as tape:
        losses = tf.nn.sparse_softmax_cross_entropy_with_logits(labels=y, logits=model(x, training=False))
        loss = tf.reduce_mean(losses)
    return tape.gradient(loss, x).numpy()


def fgsm_attack(model, images, labels, epsilon):
    if epsilon < 0:
        raise ValueError(f"epsilon = {epsilon} < 0")
    x = tf.Variable(np.asarray(images, dtype=np.float32))
    y = tf.constant(np.asarray(labels), dtype=tf.int32)
    with tf.GradientTape() as tape:
        loss = tf.reduce_mean(tf.nn.sparse_softmax_cross_entropy_with_logits(labels=y, logits=model(x)))
    perturbation = epsilon * tf.sign(tape.gradient(loss, x))
    return tf.clip_by_value(x + perturbation, 0.0, 1.0).numpy()


def saliency_map(model, images, labels):
    images = np.asarray(images, dtype=np.float32)
    maps = []
    for image, label in zip(images, np.asarray(labels)):
        x = tf.Variable(image[None])
        with tf.GradientTape() as tape:
            score = model(x, training=False)[0, int(label)]
        maps.append(tf.reduce_max(tf.abs(tape.gradient(score, x)[0]), axis=-1).numpy())
    return np.stack(maps)
