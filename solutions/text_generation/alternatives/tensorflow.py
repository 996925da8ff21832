# TensorFlow ops (float32 softmax returning a tf.Tensor, tf.argmax, tf.math.top_k over beams x vocabulary).
import numpy as np
import tensorflow as tf


def softmax_temperature(logits, temperature=1.0):
    if temperature <= 0:
        raise ValueError("temperature must be positive")
    z = tf.convert_to_tensor(logits, dtype=tf.float32)
    return tf.nn.softmax(z / temperature, axis=-1)


def sample_next_token(logits, temperature, rng):
    if temperature < 0:
        raise ValueError("temperature must be >= 0")
    z = tf.convert_to_tensor(logits, dtype=tf.float32)
    if temperature == 0:
        return int(tf.argmax(z))
    p = tf.nn.softmax(z / temperature).numpy().astype(np.float64)
    return int(rng.choice(len(p), p=p / p.sum()))


def beam_search(next_log_probs, prompt, beam_width, max_new_tokens, eos_id=None):
    if beam_width < 1:
        raise ValueError("beam_width must be >= 1")
    prompt = tuple(int(t) for t in prompt)
    if max_new_tokens == 0:
        return [(prompt, 0.0)]
    seqs = [prompt]
    scores = tf.zeros([1], dtype=tf.float64)
    finished = []
    for step in range(max_new_tokens):
        lp = tf.stack([tf.convert_to_tensor(next_log_probs(s), dtype=tf.float64) for s in seqs])
        vocab = int(lp.shape[1])
        total = tf.reshape(scores[:, None] + lp, [-1])
        n_finite = int(tf.reduce_sum(tf.cast(tf.math.is_finite(total), tf.int32)))
        if n_finite == 0:
            break
        # each beam has one EOS candidate at most, so the best 2k hold k non-EOS ones
        top = tf.math.top_k(total, k=min(2 * beam_width, n_finite), sorted=True)
        values, indices = top.values.numpy(), top.indices.numpy()
        last = step == max_new_tokens - 1
        new_seqs, new_scores = [], []
        for rank, (value, idx) in enumerate(zip(values, indices)):
            beam, token = divmod(int(idx), vocab)
            is_eos = eos_id is not None and token == eos_id
            if rank < beam_width and (last or is_eos):
                finished.append((seqs[beam] + (token,), float(value)))
            if not is_eos and len(new_seqs) < beam_width:
                new_seqs.append(seqs[beam] + (token,))
                new_scores.append(value)
        if not new_seqs:
            break
        seqs, scores = new_seqs, tf.constant(new_scores, dtype=tf.float64)
    finished.sort(key=lambda c: -c[1])
    return finished[:beam_width]
