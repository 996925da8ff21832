# Converts lists with np.array, calls logits.astype(np.float64) on anything else: a tf or torch tensor has no astype.
import numpy as np


def softmax_temperature(logits, temperature=1.0):
    if not temperature > 0:
        raise ValueError("temperature must be positive")
    if isinstance(logits, (list, tuple)):
        logits = np.array(logits)
    z = logits.astype(np.float64) / temperature
    e = np.exp(z - np.max(z, axis=-1, keepdims=True))
    return e / np.sum(e, axis=-1, keepdims=True)
