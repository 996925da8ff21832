OK_FORMAT = False

import numpy as np
from otter.test_files import test_case

name = "softmax_temperature"


def raises_value_error(func, *args):
    """Whether func(*args) raises ValueError; any other error is re-raised so you can see it."""
    try:
        func(*args)
    except ValueError:
        return True
    return False


@test_case(points=1, hidden=False)
def test_rows_sum_to_one(softmax_temperature):
    """rows sum to 1 and the shape is kept"""
    p = np.asarray(softmax_temperature(np.array([[1.0, 2.0, 3.0], [0.0, 0.0, 0.0]]), 1.0), dtype=float)
    assert p.shape == (2, 3), f"softmax_temperature returned shape {p.shape} for input shape (2, 3)"
    assert np.allclose(p.sum(axis=-1), 1.0, atol=1e-6), \
        f"each row (last axis) should sum to 1; the rows sum to {p.sum(axis=-1)}"
    expected = np.array([[0.09003057, 0.24472847, 0.66524096], [1 / 3, 1 / 3, 1 / 3]])
    assert np.allclose(p, expected, rtol=1e-5, atol=1e-7), \
        f"softmax_temperature([[1, 2, 3], [0, 0, 0]], 1.0) should be {np.round(expected, 6).tolist()}; got {p.tolist()}"


@test_case(points=1, hidden=False)
def test_temperature_divides_the_logits(softmax_temperature):
    """the temperature divides the logits: T < 1 sharpens, T > 1 flattens"""
    logits = np.array([0.0, np.log(3.0)])  # at T=1 the probabilities are [1/4, 3/4]
    for temperature, expected in ((1.0, [0.25, 0.75]), (0.5, [0.1, 0.9]),
                                  (2.0, [1 / (1 + np.sqrt(3)), np.sqrt(3) / (1 + np.sqrt(3))])):
        p = np.asarray(softmax_temperature(logits, temperature), dtype=float)
        assert p.shape == (2,), f"softmax_temperature returned shape {p.shape} for a vector of 2 logits"
        assert np.allclose(p, expected, rtol=1e-5, atol=1e-7), \
            f"softmax_temperature([0, log 3], {temperature}) should be {np.round(expected, 6).tolist()} " \
            f"(softmax of logits / temperature); got {p.tolist()}"


@test_case(points=1, hidden=False)
def test_minus_infinity_gets_probability_zero(softmax_temperature):
    """a -inf logit (a masked token) gets probability exactly 0"""
    p = np.asarray(softmax_temperature(np.array([-np.inf, 0.0, 0.0]), 0.5), dtype=float)
    assert np.isfinite(p).all(), f"softmax_temperature([-inf, 0, 0], 0.5) returned non-finite values {p.tolist()}"
    assert p[0] == 0.0, f"the -inf logit should get probability exactly 0; it got {p[0]!r}"
    assert np.allclose(p, [0.0, 0.5, 0.5], atol=1e-7), \
        f"softmax_temperature([-inf, 0, 0], 0.5) should be [0, 0.5, 0.5]; got {p.tolist()}"


@test_case(points=1, hidden=False)
def test_zero_temperature_is_rejected(softmax_temperature):
    """temperature 0 raises ValueError"""
    assert raises_value_error(softmax_temperature, np.array([1.0, 2.0]), 0.0), \
        "softmax_temperature([1, 2], 0.0) should raise ValueError (the temperature must be > 0)"
