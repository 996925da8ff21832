# Beam search over a (beams, vocabulary) score matrix with np.argpartition, then sorting only the kept part.
import numpy as np


def beam_search(next_log_probs, prompt, beam_width, max_new_tokens, eos_id=None):
    if beam_width < 1:
        raise ValueError("beam_width must be >= 1")
    prompt = list(prompt)
    if max_new_tokens == 0:
        return [(tuple(prompt), 0.0)]
    seqs = np.array([prompt], dtype=np.int64).reshape(1, len(prompt))
    scores = np.zeros(1)
    done_seqs, done_scores = [], []
    for step in range(max_new_tokens):
        table = np.stack([np.asarray(next_log_probs(tuple(int(t) for t in s)), dtype=np.float64) for s in seqs])
        vocab = table.shape[1]
        total = (scores[:, None] + table).ravel()
        total[~np.isfinite(total)] = -np.inf
        n_finite = int(np.isfinite(total).sum())
        if n_finite == 0:
            break
        keep = min(2 * beam_width, n_finite)
        part = np.argpartition(-total, keep - 1)[:keep] if keep < total.size else np.arange(total.size)
        part = part[np.isfinite(total[part])]
        order = part[np.argsort(-total[part], kind="stable")]
        beams, tokens = order // vocab, order % vocab
        is_eos = (tokens == eos_id) if eos_id is not None else np.zeros(len(order), dtype=bool)
        last = step == max_new_tokens - 1
        top = np.arange(len(order)) < beam_width
        for i in np.flatnonzero(top & (is_eos | last)):
            done_seqs.append(tuple(int(t) for t in seqs[beams[i]]) + (int(tokens[i]),))
            done_scores.append(float(total[order[i]]))
        alive = np.flatnonzero(~is_eos)[:beam_width]
        if alive.size == 0:
            break
        seqs = np.concatenate([seqs[beams[alive]], tokens[alive, None]], axis=1)
        scores = total[order[alive]]
    rank = np.argsort(-np.array(done_scores), kind="stable")[:beam_width]
    return [(done_seqs[i], done_scores[i]) for i in rank]
