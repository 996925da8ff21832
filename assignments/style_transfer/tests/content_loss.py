OK_FORMAT = False

import numpy as np
from otter.test_files import test_case

name = "content_loss"


def as_number(value, call):
    """A single number (Python float, NumPy scalar or 0-d tensor) as a float."""
    assert value is not None, f"{call} returned None; did you forget the return statement?"
    arr = np.asarray(value, dtype=float)
    assert arr.size == 1, f"{call} returned an array of shape {arr.shape}; it should return a single number"
    return float(arr.reshape(()))


@test_case(points=1, hidden=False)
def test_sum_of_squares_by_hand(content_loss):
    """the sum (not the mean) of the squared differences"""
    base = np.zeros((1, 2, 2))
    combination = np.array([[[1.0, 2.0], [3.0, -1.0]]])
    call = "content_loss(zeros((1, 2, 2)), [[[1, 2], [3, -1]]])"
    got = as_number(content_loss(base, combination), call)
    assert np.isclose(got, 15.0, rtol=1e-6), f"{call} returned {got}; expected 1 + 4 + 9 + 1 = 15"


@test_case(points=1, hidden=False)
def test_same_features_have_no_content_loss(content_loss):
    """identical feature maps give 0"""
    x = np.random.default_rng(2).normal(size=(3, 4, 2))
    got = as_number(content_loss(x, x.copy()), "content_loss(x, x)")
    assert abs(got) < 1e-12, f"content_loss(x, x) returned {got}; identical feature maps have content loss 0"
