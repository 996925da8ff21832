# Draws from a fresh np.random.default_rng() instead of the rng argument: the same seed gives different draws.
import numpy as np


def sample_next_token(logits, temperature, rng):
    if temperature < 0:
        raise ValueError("temperature must not be negative")
    logits = np.asarray(logits, dtype=np.float64)
    if temperature == 0:
        return int(np.argmax(logits))
    z = logits / temperature
    p = np.exp(z - np.max(z))
    p = p / p.sum()
    return int(np.random.default_rng().choice(len(p), p=p))
