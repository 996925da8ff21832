# Mixes 1% of uniform noise into the probabilities "so that no token has probability 0": -inf tokens can be drawn.
import numpy as np


def sample_next_token(logits, temperature, rng):
    if temperature < 0:
        raise ValueError("temperature must not be negative")
    logits = np.asarray(logits, dtype=np.float64)
    if temperature == 0:
        return int(np.argmax(logits))
    z = logits / temperature
    p = np.exp(z - np.max(z))
    p = 0.99 * p / p.sum() + 0.01 / len(p)
    return int(rng.choice(len(p), p=p))
