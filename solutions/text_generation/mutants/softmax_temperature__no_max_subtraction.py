# Exponentiates logits / T directly without subtracting the maximum: overflows to inf/inf = nan on large logits.
import numpy as np


def softmax_temperature(logits, temperature=1.0):
    if temperature <= 0:
        raise ValueError("temperature must be positive")
    e = np.exp(np.asarray(logits, dtype=np.float64) / temperature)
    return e / np.sum(e, axis=-1, keepdims=True)
