# Greedy by sorting the token ids by logit and taking the last one: tied maxima give the highest index.
import numpy as np


def sample_next_token(logits, temperature, rng):
    if temperature < 0:
        raise ValueError("temperature must not be negative")
    logits = np.asarray(logits, dtype=np.float64)
    if temperature == 0:
        return int(sorted(range(len(logits)), key=lambda i: logits[i])[-1])
    z = logits / temperature
    p = np.exp(z - np.max(z))
    p = p / p.sum()
    return int(rng.choice(len(p), p=p))
