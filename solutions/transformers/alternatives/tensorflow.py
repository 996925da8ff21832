# TensorFlow filters in float32 (tf.math.top_k for the cut; a sort and an exclusive cumsum for the nucleus,
# ties resolved with tf.searchsorted); sequence_log_prob from the model's own loss (labels=input_ids).
import numpy as np
import tensorflow as tf
import torch


def top_k_filter(logits, k):
    if isinstance(k, bool) or not isinstance(k, (int, np.integer)) or k < 1:
        raise ValueError("k must be a positive integer")
    x = tf.convert_to_tensor(np.asarray(logits, dtype=np.float32))
    kth = tf.math.top_k(x, k=min(int(k), int(x.shape[-1]))).values[..., -1:]
    return tf.where(x >= kth, x, tf.fill(tf.shape(x), float("-inf")))


def top_p_filter(logits, p):
    if not 0 < p <= 1:
        raise ValueError("p must lie in (0, 1]")
    x = tf.convert_to_tensor(np.asarray(logits, dtype=np.float32))
    if p == 1:
        return x
    rows = tf.reshape(x, (-1, x.shape[-1]))
    ascending = tf.sort(rows, axis=-1)
    probs = tf.nn.softmax(ascending, axis=-1)
    above_sorted = tf.cumsum(probs, axis=-1, exclusive=True, reverse=True)  # mass of later (larger) entries
    # the strictly larger tokens of a value start right after its last copy in the ascending order
    last_copy = tf.searchsorted(ascending, rows, side="right") - 1
    above = tf.gather(above_sorted, last_copy, batch_dims=1)
    kept = tf.where(above < p, rows, tf.fill(tf.shape(rows), float("-inf")))
    return tf.reshape(kept, tf.shape(x))


def sequence_log_prob(model, input_ids):
    ids = torch.as_tensor(np.asarray(input_ids), dtype=torch.long).reshape(1, -1)
    n = ids.shape[1]
    if n == 1:
        return 0.0
    with torch.no_grad():
        loss = model(ids, labels=ids).loss  # the mean over the n - 1 predicted tokens
    return -(n - 1) * float(loss)
