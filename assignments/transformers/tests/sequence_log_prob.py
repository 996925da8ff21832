OK_FORMAT = False

import numpy as np
from otter.test_files import test_case

name = "sequence_log_prob"

# These checks need no expected numbers: they use the notebook's tiny_gpt2 helper (a random-weight GPT-2) and
# properties every correct answer has. The autograder compares your numbers with its own on other models.


@test_case(points=1, hidden=False)
def test_one_token_has_log_probability_zero(sequence_log_prob, tiny_gpt2):
    """a sequence of one token has no conditional factor: the empty sum, 0.0"""
    value = sequence_log_prob(tiny_gpt2(0), [7])
    assert np.ndim(value) == 0, f"sequence_log_prob(model, [7]) returned {value!r}; return one number"
    assert float(value) == 0.0, f"sequence_log_prob(model, [7]) should be 0.0; got {float(value)}"


@test_case(points=1, hidden=False)
def test_next_token_probabilities_sum_to_one(sequence_log_prob, tiny_gpt2):
    """exp(f(prefix + [c]) - f(prefix)) = p(c | prefix): over every token c of the vocabulary these sum to 1"""
    model, prefix = tiny_gpt2(1, 16), [3, 14, 15]
    base = float(sequence_log_prob(model, prefix))
    assert np.isfinite(base) and base < 0, \
        f"sequence_log_prob(model, {prefix}) returned {base}; a log-probability is finite and negative here"
    cond = np.array([float(sequence_log_prob(model, prefix + [c])) - base for c in range(16)])
    assert np.all(cond <= 1e-6), \
        "adding a token made the log-probability larger; each extra token adds log p(x_t | x_0 .. x_{t-1}) <= 0"
    total = float(np.exp(cond).sum())
    assert abs(total - 1.0) < 1e-4, \
        f"the 16 next-token probabilities p(c | {prefix}) = exp(f(prefix + [c]) - f(prefix)) sum to {total:.6f}, " \
        f"not 1: read token x_t from the log_softmax of the logits at position t - 1, and sum (not average)"


@test_case(points=1, hidden=False)
def test_list_and_array_agree(sequence_log_prob, tiny_gpt2):
    """the ids as a Python list or as a NumPy array give the same single number"""
    model, ids = tiny_gpt2(2), [5, 9, 0, 33, 12, 60]
    a, b = sequence_log_prob(model, ids), sequence_log_prob(model, np.array(ids))
    assert np.ndim(a) == 0 and np.ndim(b) == 0, \
        f"sequence_log_prob returned {a!r} and {b!r}; return one number (a float)"
    assert np.isclose(float(a), float(b), rtol=1e-5), \
        f"sequence_log_prob(model, {ids}) = {float(a)} but with np.array({ids}) it is {float(b)}"
