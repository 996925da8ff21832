# Gumbel-max trick with the noise added before dividing by T: argmax((logits + g) / T) ignores the temperature.
import numpy as np


def sample_next_token(logits, temperature, rng):
    if temperature < 0:
        raise ValueError("temperature must not be negative")
    logits = np.asarray(logits, dtype=np.float64)
    if temperature == 0:
        return int(np.argmax(logits))
    return int(np.argmax((logits + rng.gumbel(size=logits.shape)) / temperature))
