# Sampling with rng.multinomial(1, p) on float64 probabilities (Chollet's recipe, with the given rng and on logits).
import numpy as np


def sample_next_token(logits, temperature, rng):
    if temperature < 0:
        raise ValueError("temperature must be >= 0")
    logits = np.asarray(logits).astype("float64")
    if temperature == 0:
        return int(np.argmax(logits))
    z = logits / temperature
    exp_preds = np.exp(z - np.max(z))
    probas = rng.multinomial(1, exp_preds / np.sum(exp_preds), 1)
    return int(np.argmax(probas))
