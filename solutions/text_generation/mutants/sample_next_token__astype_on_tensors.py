# Converts lists with np.array, calls logits.astype(np.float64) on anything else: a tf or torch tensor has no astype.
import numpy as np


def sample_next_token(logits, temperature, rng):
    if temperature < 0:
        raise ValueError("temperature must not be negative")
    if isinstance(logits, (list, tuple)):
        logits = np.array(logits)
    logits = logits.astype(np.float64)
    if temperature == 0:
        return int(np.argmax(logits))
    z = logits / temperature
    p = np.exp(z - np.max(z))
    p = p / p.sum()
    return int(rng.choice(len(p), p=p))
