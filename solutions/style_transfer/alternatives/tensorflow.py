# TensorFlow, following Chollet / keras-io (transpose to channels-first, reshape, matmul) with batch support;
# returns tf tensors (float32).
import tensorflow as tf


def gram_matrix(features):
    x = tf.convert_to_tensor(features, dtype=tf.float32)
    if x.shape.rank == 3:
        x = tf.transpose(x, (2, 0, 1))
        f = tf.reshape(x, (tf.shape(x)[0], -1))
        return tf.matmul(f, tf.transpose(f))
    if x.shape.rank == 4:
        x = tf.transpose(x, (0, 3, 1, 2))
        f = tf.reshape(x, (tf.shape(x)[0], tf.shape(x)[1], -1))
        return tf.matmul(f, f, transpose_b=True)
    raise ValueError(f"features must have rank 3 or 4, got {x.shape.rank}")


def style_loss(style_features, combination_features):
    S = gram_matrix(style_features)
    C = gram_matrix(combination_features)
    h, w, channels = tf.convert_to_tensor(style_features).shape
    size = h * w
    return tf.reduce_sum(tf.square(S - C)) / (4.0 * (channels**2) * (size**2))


def content_loss(base_features, combination_features):
    b = tf.convert_to_tensor(base_features, dtype=tf.float32)
    c = tf.convert_to_tensor(combination_features, dtype=tf.float32)
    return tf.reduce_sum(tf.square(c - b))
