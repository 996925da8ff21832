OK_FORMAT = False

import numpy as np
from otter.test_files import test_case

name = "sample_next_token"


def raises_value_error(func, *args):
    """Whether func(*args) raises ValueError; any other error is re-raised so you can see it."""
    try:
        func(*args)
    except ValueError:
        return True
    return False


def token_id(value, call):
    """The returned token id as an int (a Python int, a NumPy integer or a 0-d tensor)."""
    assert value is not None, f"{call} returned None; it should return an int token id"
    arr = np.asarray(value)
    assert arr.ndim == 0 and arr.dtype.kind in "iuf" and float(arr) == int(arr), \
        f"{call} returned {value!r}; it should return a single int token id"
    return int(arr)


@test_case(points=1, hidden=False)
def test_temperature_zero_is_greedy(sample_next_token):
    """temperature 0 is greedy: the index of the largest logit"""
    for logits, best in (([0.5, 2.0, -1.0, 1.5], 1), ([-3.0, -2.0, -5.0], 1), ([4.0, -np.inf, 1.0], 0)):
        call = f"sample_next_token({logits}, 0, rng)"
        got = token_id(sample_next_token(np.array(logits), 0, np.random.default_rng(0)), call)
        assert got == best, f"{call} returned {got}; at temperature 0 it should return {best}, the index of the largest logit"


@test_case(points=1, hidden=False)
def test_draws_are_valid_and_skip_masked_tokens(sample_next_token):
    """sampled ids are ints in range, a -inf token is never drawn, and the draws vary"""
    logits = np.array([1.0, -np.inf, 0.5, -np.inf, 2.0])
    call = "sample_next_token([1, -inf, 0.5, -inf, 2], 1.0, np.random.default_rng(seed))"
    seen = set()
    for seed in range(60):
        got = token_id(sample_next_token(logits, 1.0, np.random.default_rng(seed)), call)
        assert 0 <= got < 5, f"{call} with seed {seed} returned {got}, which is not a token id in 0..4"
        assert got not in (1, 3), f"{call} with seed {seed} returned {got}, a token with logit -inf (probability 0)"
        seen.add(got)
    assert len(seen) > 1, f"{call} returned {seen.pop()} for all 60 seeds; at temperature 1.0 it should sample, " \
                          f"not always take the largest logit"


@test_case(points=1, hidden=False)
def test_same_seed_gives_same_token(sample_next_token):
    """randomness comes only from rng: the same seed gives the same draws"""
    logits = np.zeros(10)
    first = [token_id(sample_next_token(logits, 1.0, np.random.default_rng(seed)), "sample_next_token")
             for seed in range(30)]
    again = [token_id(sample_next_token(logits, 1.0, np.random.default_rng(seed)), "sample_next_token")
             for seed in range(30)]
    assert first == again, "sample_next_token(np.zeros(10), 1.0, np.random.default_rng(seed)) gave different " \
                           f"tokens for the same seeds ({first} then {again}); draw only from the rng argument"


@test_case(points=1, hidden=False)
def test_negative_temperature_is_rejected(sample_next_token):
    """a negative temperature raises ValueError"""
    assert raises_value_error(sample_next_token, np.array([1.0, 2.0]), -1.0, np.random.default_rng(0)), \
        "sample_next_token([1, 2], -1.0, rng) should raise ValueError (the temperature must be >= 0)"
