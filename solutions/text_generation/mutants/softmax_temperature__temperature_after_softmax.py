# Applies the temperature to the probabilities after the softmax (softmax(logits) ** (1/T)) and forgets to renormalise.
import numpy as np


def softmax_temperature(logits, temperature=1.0):
    if temperature <= 0:
        raise ValueError("temperature must be positive")
    z = np.asarray(logits, dtype=np.float64)
    e = np.exp(z - np.max(z, axis=-1, keepdims=True))
    return (e / np.sum(e, axis=-1, keepdims=True)) ** (1.0 / temperature)
