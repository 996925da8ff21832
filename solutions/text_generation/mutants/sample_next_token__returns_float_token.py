# Returns the drawn token id as a float (float(index)), not an int.
import numpy as np


def sample_next_token(logits, temperature, rng):
    if temperature < 0:
        raise ValueError("temperature must not be negative")
    logits = np.asarray(logits, dtype=np.float64)
    if temperature == 0:
        return float(np.argmax(logits))
    z = logits / temperature
    p = np.exp(z - np.max(z))
    p = p / p.sum()
    return float(rng.choice(len(p), p=p))
