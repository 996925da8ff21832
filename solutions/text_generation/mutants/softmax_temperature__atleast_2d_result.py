# Turns every input into a batch with np.atleast_2d and returns the batch: a (V,) vector comes back as shape (1, V).
import numpy as np


def softmax_temperature(logits, temperature=1.0):
    if not temperature > 0:
        raise ValueError("temperature must be positive")
    z = np.atleast_2d(np.asarray(logits, dtype=np.float64)) / temperature
    e = np.exp(z - np.max(z, axis=-1, keepdims=True))
    return e / np.sum(e, axis=-1, keepdims=True)
