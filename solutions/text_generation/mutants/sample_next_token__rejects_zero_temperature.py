# Copies softmax_temperature's check (temperature <= 0 raises): greedy decoding at temperature 0 raises ValueError.
import numpy as np


def sample_next_token(logits, temperature, rng):
    if temperature <= 0:
        raise ValueError("temperature must be positive")
    z = np.asarray(logits, dtype=np.float64) / temperature
    p = np.exp(z - np.max(z))
    p = p / p.sum()
    return int(rng.choice(len(p), p=p))
