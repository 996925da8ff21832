# Never rejects a negative temperature: it samples from the inverted distribution instead of raising ValueError.
import numpy as np


def sample_next_token(logits, temperature, rng):
    logits = np.asarray(logits, dtype=np.float64)
    if temperature == 0:
        return int(np.argmax(logits))
    z = logits / temperature
    p = np.exp(z - np.max(z))
    p = p / p.sum()
    return int(rng.choice(len(p), p=p))
