# Has no greedy branch: temperature 0 divides by zero and rng.choice fails on the resulting nan probabilities.
import numpy as np


def sample_next_token(logits, temperature, rng):
    if temperature < 0:
        raise ValueError("temperature must not be negative")
    z = np.asarray(logits, dtype=np.float64) / temperature
    p = np.exp(z - np.max(z))
    p = p / p.sum()
    return int(rng.choice(len(p), p=p))
