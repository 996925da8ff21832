# Returns the argmax for every temperature (greedy decoding instead of sampling).
import numpy as np


def sample_next_token(logits, temperature, rng):
    if temperature < 0:
        raise ValueError("temperature must not be negative")
    return int(np.argmax(np.asarray(logits, dtype=np.float64)))
