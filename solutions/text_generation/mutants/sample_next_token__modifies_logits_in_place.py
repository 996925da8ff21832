# Divides the caller's logits array by the temperature in place.
import numpy as np


def sample_next_token(logits, temperature, rng):
    if temperature < 0:
        raise ValueError("temperature must not be negative")
    if temperature == 0:
        return int(np.argmax(logits))
    logits /= temperature
    p = np.exp(logits - np.max(logits))
    p = p / p.sum()
    return int(rng.choice(len(p), p=p))
