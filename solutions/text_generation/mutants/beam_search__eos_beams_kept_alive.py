# Keeps hypotheses that ended in EOS among the live beams and keeps extending them (nothing is ever finished early).
import numpy as np


def beam_search(next_log_probs, prompt, beam_width, max_new_tokens, eos_id=None):
    if beam_width < 1:
        raise ValueError("beam_width must be at least 1")
    prompt = tuple(int(t) for t in prompt)
    if max_new_tokens == 0:
        return [(prompt, 0.0)]
    beams = [(prompt, 0.0)]
    for _ in range(max_new_tokens):
        candidates = []
        for seq, score in beams:
            log_probs = np.asarray(next_log_probs(seq), dtype=np.float64)
            for token in np.flatnonzero(np.isfinite(log_probs)):
                candidates.append((seq + (int(token),), score + float(log_probs[token])))
        candidates.sort(key=lambda c: -c[1])
        beams = candidates[:beam_width]
    return beams
