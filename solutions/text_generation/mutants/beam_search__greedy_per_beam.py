# Extends each beam only by its own best token (k parallel greedy searches) instead of ranking all extensions.
import numpy as np


def beam_search(next_log_probs, prompt, beam_width, max_new_tokens, eos_id=None):
    if beam_width < 1:
        raise ValueError("beam_width must be at least 1")
    prompt = tuple(int(t) for t in prompt)
    if max_new_tokens == 0:
        return [(prompt, 0.0)]
    log_probs = np.asarray(next_log_probs(prompt), dtype=np.float64)
    first = [int(t) for t in np.argsort(-log_probs)[:beam_width] if np.isfinite(log_probs[t])]
    beams = [(prompt + (t,), float(log_probs[t])) for t in first]
    finished = []
    for _ in range(max_new_tokens - 1):
        new = []
        for seq, score in beams:
            if eos_id is not None and seq[-1] == eos_id:
                finished.append((seq, score))
                continue
            lp = np.asarray(next_log_probs(seq), dtype=np.float64)
            t = int(np.argmax(lp))
            new.append((seq + (t,), score + float(lp[t])))
        beams = new
    out = sorted(finished + beams, key=lambda c: -c[1])
    return out[:beam_width]
