# Never checks the temperature: 0 gives nan and a negative temperature silently inverts the distribution.
import numpy as np


def softmax_temperature(logits, temperature=1.0):
    z = np.asarray(logits, dtype=np.float64) / temperature
    e = np.exp(z - np.max(z, axis=-1, keepdims=True))
    return e / np.sum(e, axis=-1, keepdims=True)
