# Clips the probabilities to [1e-10, 1] "to avoid zeros", so a -inf logit no longer gets exactly 0.
import numpy as np


def softmax_temperature(logits, temperature=1.0):
    if temperature <= 0:
        raise ValueError("temperature must be positive")
    z = np.asarray(logits, dtype=np.float64) / temperature
    e = np.exp(z - np.max(z, axis=-1, keepdims=True))
    return np.clip(e / np.sum(e, axis=-1, keepdims=True), 1e-10, 1.0)
