# Applies Chollet's sample_next (log of probabilities / T) to logits: negative and -inf logits give nan probabilities.
import numpy as np


def sample_next_token(logits, temperature, rng):
    if temperature < 0:
        raise ValueError("temperature must not be negative")
    predictions = np.asarray(logits).astype("float64")
    if temperature == 0:
        return int(np.argmax(predictions))
    predictions = np.log(predictions) / temperature
    exp_preds = np.exp(predictions)
    predictions = exp_preds / np.sum(exp_preds)
    probas = rng.multinomial(1, predictions, 1)
    return int(np.argmax(probas))
