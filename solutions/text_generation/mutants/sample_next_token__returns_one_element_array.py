# Draws with rng.choice(V, size=1, p=p) and returns that array of shape (1,) instead of a single int.
import numpy as np


def sample_next_token(logits, temperature, rng):
    if temperature < 0:
        raise ValueError("temperature must not be negative")
    logits = np.asarray(logits, dtype=np.float64)
    if temperature == 0:
        return np.argmax(logits, keepdims=True)
    z = logits / temperature
    p = np.exp(z - np.max(z))
    p = p / p.sum()
    return rng.choice(len(p), size=1, p=p)
