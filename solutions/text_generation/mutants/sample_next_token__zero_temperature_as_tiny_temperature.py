# Replaces temperature 0 by 1e-8 and samples anyway, so greedy decoding still draws from rng.
import numpy as np


def sample_next_token(logits, temperature, rng):
    if temperature < 0:
        raise ValueError("temperature must not be negative")
    z = np.asarray(logits, dtype=np.float64) / max(temperature, 1e-8)
    p = np.exp(z - np.max(z))
    p = p / p.sum()
    return int(rng.choice(len(p), p=p))
