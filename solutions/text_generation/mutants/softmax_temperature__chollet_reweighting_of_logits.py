# Copies Chollet's reweight_distribution (meant for probabilities) onto logits: log of a negative logit is nan.
import numpy as np


def softmax_temperature(logits, temperature=1.0):
    if temperature <= 0:
        raise ValueError("temperature must be positive")
    distribution = np.log(np.asarray(logits, dtype=np.float64)) / temperature
    distribution = np.exp(distribution)
    return distribution / np.sum(distribution, axis=-1, keepdims=True)
