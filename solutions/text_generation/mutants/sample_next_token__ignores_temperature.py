# Samples from softmax(logits) whatever the temperature (like the DLwP callback that forgets to pass it).
import numpy as np


def sample_next_token(logits, temperature, rng):
    if temperature < 0:
        raise ValueError("temperature must not be negative")
    logits = np.asarray(logits, dtype=np.float64)
    if temperature == 0:
        return int(np.argmax(logits))
    p = np.exp(logits - np.max(logits))
    p = p / p.sum()
    return int(rng.choice(len(p), p=p))
