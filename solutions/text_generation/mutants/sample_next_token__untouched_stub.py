# The untouched stub: raises NotImplementedError, as in the student notebook.


def sample_next_token(logits, temperature, rng):
    raise NotImplementedError("sample_next_token")
