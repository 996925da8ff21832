# Divides and shifts the caller's array in place (np.asarray does not copy), changing the logits passed in.
import numpy as np


def softmax_temperature(logits, temperature=1.0):
    if temperature <= 0:
        raise ValueError("temperature must be positive")
    z = np.asarray(logits, dtype=np.float64)
    z /= temperature
    z -= np.max(z, axis=-1, keepdims=True)
    np.exp(z, out=z)
    z /= np.sum(z, axis=-1, keepdims=True)
    return z
