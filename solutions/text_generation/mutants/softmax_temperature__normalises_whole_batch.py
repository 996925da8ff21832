# Normalises by the sum over the whole array, so a batch sums to 1 in total instead of row by row.
import numpy as np


def softmax_temperature(logits, temperature=1.0):
    if temperature <= 0:
        raise ValueError("temperature must be positive")
    z = np.asarray(logits, dtype=np.float64) / temperature
    e = np.exp(z - np.max(z))
    return e / np.sum(e)
