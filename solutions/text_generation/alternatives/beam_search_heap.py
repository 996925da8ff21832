# Beam search with heapq.nlargest over a generator of candidates (no full sort of the candidates).
import heapq
import itertools
import math

import numpy as np


def beam_search(next_log_probs, prompt, beam_width, max_new_tokens, eos_id=None):
    if beam_width < 1:
        raise ValueError("beam_width must be >= 1")
    prompt = tuple(int(t) for t in prompt)
    if max_new_tokens == 0:
        return [(prompt, 0.0)]
    live, finished = [(0.0, prompt)], []
    for step in range(max_new_tokens):
        def extensions():
            for score, seq in live:
                for token, lp in enumerate(np.asarray(next_log_probs(seq), dtype=np.float64).tolist()):
                    if lp != -math.inf:
                        yield score + lp, seq + (token,)
        cands = list(extensions())
        # one EOS candidate per beam at most: the best 2k candidates contain the best k non-EOS ones
        best = heapq.nlargest(2 * beam_width, cands, key=lambda c: c[0])
        last = step == max_new_tokens - 1
        for score, seq in itertools.islice(best, beam_width):
            if last or seq[-1] == eos_id:
                heapq.heappush(finished, (score, seq))
                if len(finished) > beam_width:
                    heapq.heappop(finished)
        live = [c for c in best if c[1][-1] != eos_id or eos_id is None][:beam_width]
        if not live:
            break
    return [(seq, score) for score, seq in sorted(finished, key=lambda c: -c[0])]
