# All three functions computed in float32 NumPy (softmax, sampling probabilities, beam scores).
import numpy as np


def softmax_temperature(logits, temperature=1.0):
    if temperature <= 0:
        raise ValueError("temperature must be positive")
    z = np.asarray(logits, dtype=np.float32) / np.float32(temperature)
    z = z - np.max(z, axis=-1, keepdims=True)
    e = np.exp(z)
    return e / np.sum(e, axis=-1, keepdims=True)


def sample_next_token(logits, temperature, rng):
    if temperature < 0:
        raise ValueError("temperature must be >= 0")
    z = np.asarray(logits, dtype=np.float32)
    if temperature == 0:
        return int(np.argmax(z))
    z = z / np.float32(temperature)
    e = np.exp(z - np.max(z))
    p = e / np.sum(e)  # float32 probabilities go straight into Generator.choice
    return int(rng.choice(p.shape[0], p=p))


def beam_search(next_log_probs, prompt, beam_width, max_new_tokens, eos_id=None):
    if beam_width < 1:
        raise ValueError("beam_width must be >= 1")
    prompt = tuple(int(t) for t in prompt)
    if max_new_tokens == 0:
        return [(prompt, 0.0)]
    seqs = [prompt]
    scores = np.zeros(1, dtype=np.float32)
    finished = []
    for step in range(max_new_tokens):
        lp = np.stack([np.asarray(next_log_probs(s), dtype=np.float32) for s in seqs])  # (beams, V)
        vocab = lp.shape[1]
        total = (scores[:, None] + lp).ravel()
        finite = np.flatnonzero(np.isfinite(total))
        order = finite[np.argsort(-total[finite], kind="stable")]
        last = step == max_new_tokens - 1
        new_seqs, new_scores = [], []
        for rank, idx in enumerate(order):
            beam, token = divmod(int(idx), vocab)
            is_eos = eos_id is not None and token == eos_id
            if rank < beam_width and (last or is_eos):
                finished.append((seqs[beam] + (token,), total[idx]))
            if not is_eos and len(new_seqs) < beam_width:
                new_seqs.append(seqs[beam] + (token,))
                new_scores.append(total[idx])
            if rank >= beam_width - 1 and len(new_seqs) == beam_width:
                break
        if not new_seqs:
            break
        seqs, scores = new_seqs, np.array(new_scores, dtype=np.float32)
    finished.sort(key=lambda c: -c[1])
    return [(seq, float(score)) for seq, score in finished[:beam_width]]
