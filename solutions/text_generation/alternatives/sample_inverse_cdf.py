# Sampling by inverse CDF: one rng.random() and a search in the cumulative probabilities.
import numpy as np


def sample_next_token(logits, temperature, rng):
    if temperature < 0:
        raise ValueError("temperature must be >= 0")
    logits = np.asarray(logits, dtype=np.float64)
    if temperature == 0:
        return int(np.argmax(logits))
    z = logits / temperature
    p = np.exp(z - np.max(z))
    cdf = np.cumsum(p)
    u = rng.random() * cdf[-1]
    # side="right": the first index whose cumulative mass exceeds u, never a zero-probability token
    return int(np.searchsorted(cdf, u, side="right"))
