# keras.ops (backend-agnostic Keras 3): softmax returns a Keras tensor, argmax and top_k for greedy and beams.
import keras
import numpy as np
from keras import ops


def softmax_temperature(logits, temperature=1.0):
    if temperature <= 0:
        raise ValueError("temperature must be positive")
    z = ops.cast(ops.convert_to_tensor(logits), "float32")
    return ops.softmax(z / temperature, axis=-1)


def sample_next_token(logits, temperature, rng):
    if temperature < 0:
        raise ValueError("temperature must be >= 0")
    z = ops.cast(ops.convert_to_tensor(logits), "float32")
    if temperature == 0:
        return int(ops.convert_to_numpy(ops.argmax(z)))
    p = ops.convert_to_numpy(ops.softmax(z / temperature)).astype(np.float64)
    return int(rng.choice(len(p), p=p / p.sum()))


def beam_search(next_log_probs, prompt, beam_width, max_new_tokens, eos_id=None):
    if beam_width < 1:
        raise ValueError("beam_width must be >= 1")
    prompt = tuple(int(t) for t in prompt)
    if max_new_tokens == 0:
        return [(prompt, 0.0)]
    seqs = [prompt]
    scores = ops.zeros((1,), dtype="float32")
    finished = []
    for step in range(max_new_tokens):
        lp = ops.stack([ops.cast(ops.convert_to_tensor(next_log_probs(s)), "float32") for s in seqs])
        vocab = int(lp.shape[1])
        total = ops.reshape(ops.expand_dims(scores, 1) + lp, (-1,))
        n_finite = int(ops.convert_to_numpy(ops.sum(ops.cast(ops.isfinite(total), "int32"))))
        if n_finite == 0:
            break
        values, indices = ops.top_k(total, k=min(2 * beam_width, n_finite), sorted=True)
        values, indices = ops.convert_to_numpy(values), ops.convert_to_numpy(indices)
        last = step == max_new_tokens - 1
        new_seqs, new_scores = [], []
        for rank, (value, idx) in enumerate(zip(values, indices)):
            beam, token = divmod(int(idx), vocab)
            is_eos = eos_id is not None and token == eos_id
            if rank < beam_width and (last or is_eos):
                finished.append((seqs[beam] + (token,), float(value)))
            if not is_eos and len(new_seqs) < beam_width:
                new_seqs.append(seqs[beam] + (token,))
                new_scores.append(float(value))
        if not new_seqs:
            break
        seqs, scores = new_seqs, ops.convert_to_tensor(np.array(new_scores, dtype=np.float32))
    finished.sort(key=lambda c: -c[1])
    return finished[:beam_width]
