# Copies the logits with np.array and divides in place: integer logits raise (an int array cannot hold logits / T).
import numpy as np


def softmax_temperature(logits, temperature=1.0):
    if not temperature > 0:
        raise ValueError("temperature must be positive")
    z = np.array(logits)
    z /= temperature
    z -= np.max(z, axis=-1, keepdims=True)
    e = np.exp(z)
    return e / np.sum(e, axis=-1, keepdims=True)
