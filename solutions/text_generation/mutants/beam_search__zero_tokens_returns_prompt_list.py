# max_new_tokens == 0 returns [(prompt, 0.0)] with the caller's prompt object (a list) instead of tuple(prompt).
import numpy as np


def beam_search(next_log_probs, prompt, beam_width, max_new_tokens, eos_id=None):
    if beam_width < 1:
        raise ValueError("beam_width must be at least 1")
    if max_new_tokens == 0:
        return [(prompt, 0.0)]
    prompt = tuple(int(t) for t in prompt)
    live, finished = [(prompt, 0.0)], []
    for step in range(max_new_tokens):
        candidates = []
        for seq, score in live:
            log_probs = np.asarray(next_log_probs(seq), dtype=np.float64)
            for token in np.flatnonzero(np.isfinite(log_probs)):
                candidates.append((seq + (int(token),), score + float(log_probs[token])))
        candidates.sort(key=lambda c: -c[1])
        last = step == max_new_tokens - 1
        for seq, score in candidates[:beam_width]:
            if last or (eos_id is not None and seq[-1] == eos_id):
                finished.append((seq, score))
        live = [c for c in candidates if eos_id is None or c[0][-1] != eos_id][:beam_width]
        if not live:
            break
    finished.sort(key=lambda c: -c[1])
    return finished[:beam_width]
