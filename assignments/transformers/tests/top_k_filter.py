OK_FORMAT = False

import numpy as np
from otter.test_files import test_case

name = "top_k_filter"

NEG_INF = -np.inf


@test_case(points=1, hidden=False)
def test_keeps_the_two_largest(top_k_filter):
    """k = 2 keeps the two largest logits unchanged and sets the others to -inf"""
    out = np.asarray(top_k_filter(np.array([1.0, 3.0, 2.0, 0.5]), 2), dtype=float)
    expected = np.array([NEG_INF, 3.0, 2.0, NEG_INF])
    assert out.shape == (4,), f"top_k_filter([1, 3, 2, 0.5], 2) returned shape {out.shape}; expected (4,)"
    assert np.array_equal(out, expected), \
        f"top_k_filter([1, 3, 2, 0.5], 2) should be {expected.tolist()}; got {out.tolist()}"


@test_case(points=1, hidden=False)
def test_ties_at_the_cut_are_all_kept(top_k_filter):
    """every token tied with the k-th largest logit is kept (>= the k-th largest)"""
    out = np.asarray(top_k_filter(np.array([1.0, 3.0, 2.0, 2.0]), 2), dtype=float)
    expected = np.array([NEG_INF, 3.0, 2.0, 2.0])
    assert np.array_equal(out, expected), \
        f"top_k_filter([1, 3, 2, 2], 2) should keep both tied 2s: {expected.tolist()}; got {out.tolist()}"


@test_case(points=1, hidden=False)
def test_each_row_of_a_batch(top_k_filter):
    """a batch (B, V) is filtered row by row, along the last axis"""
    logits = np.array([[0.0, 5.0, 1.0], [4.0, -1.0, 2.0]])
    out = np.asarray(top_k_filter(logits, 1), dtype=float)
    expected = np.array([[NEG_INF, 5.0, NEG_INF], [4.0, NEG_INF, NEG_INF]])
    assert out.shape == (2, 3), f"top_k_filter of a (2, 3) batch returned shape {out.shape}"
    assert np.array_equal(out, expected), \
        f"top_k_filter({logits.tolist()}, 1) should be {expected.tolist()}; got {out.tolist()}"


@test_case(points=1, hidden=False)
def test_k_zero_raises_value_error(top_k_filter):
    """k = 0 is not a positive integer: ValueError"""
    try:
        top_k_filter(np.array([1.0, 2.0]), 0)
    except ValueError:
        return
    raise AssertionError("top_k_filter([1, 2], 0) should raise ValueError (k must be a positive integer)")
