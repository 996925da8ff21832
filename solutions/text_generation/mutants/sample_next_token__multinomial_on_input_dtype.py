# Chollet's rng.multinomial(1, p) in the input's dtype: float32 logits give float32 p, which multinomial can reject.
import numpy as np


def sample_next_token(logits, temperature, rng):
    if temperature < 0:
        raise ValueError("temperature must not be negative")
    logits = np.asarray(logits)
    if temperature == 0:
        return int(np.argmax(logits))
    z = logits / temperature
    exp_preds = np.exp(z - np.max(z))
    probas = rng.multinomial(1, exp_preds / np.sum(exp_preds), 1)
    return int(np.argmax(probas))
