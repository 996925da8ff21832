# Subtracts the maximum of the whole array, not each row's: rows far below the global max underflow to 0/0.
import numpy as np


def softmax_temperature(logits, temperature=1.0):
    if temperature <= 0:
        raise ValueError("temperature must be positive")
    z = np.asarray(logits, dtype=np.float64) / temperature
    e = np.exp(z - np.max(z))
    return e / np.sum(e, axis=-1, keepdims=True)
