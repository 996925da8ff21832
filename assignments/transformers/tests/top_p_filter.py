OK_FORMAT = False

import numpy as np
from otter.test_files import test_case

name = "top_p_filter"

NEG_INF = -np.inf
LOGITS = np.log(np.array([0.15, 0.5, 0.05, 0.3]))  # probabilities 0.15, 0.5, 0.05, 0.3


@test_case(points=1, hidden=False)
def test_nucleus_by_hand(top_p_filter):
    """p = 0.7 keeps 0.5 (nothing more likely) and 0.3 (0.5 more likely, < 0.7); 0.15 has 0.8 above it"""
    out = np.asarray(top_p_filter(LOGITS, 0.7), dtype=float)
    expected = np.array([NEG_INF, LOGITS[1], NEG_INF, LOGITS[3]])
    assert out.shape == (4,), f"top_p_filter returned shape {out.shape} for logits of shape (4,)"
    assert np.allclose(out, expected, rtol=1e-6, atol=0), \
        f"top_p_filter(log([0.15, 0.5, 0.05, 0.3]), 0.7) should be {np.round(expected, 4).tolist()}; " \
        f"got {np.round(out, 4).tolist()}"


@test_case(points=1, hidden=False)
def test_token_that_crosses_p_is_kept(top_p_filter):
    """p = 0.85: 0.15 is kept (0.8 above it, < 0.85) although 0.5 + 0.3 + 0.15 passes 0.85"""
    out = np.asarray(top_p_filter(LOGITS, 0.85), dtype=float)
    expected = np.array([LOGITS[0], LOGITS[1], NEG_INF, LOGITS[3]])
    assert np.allclose(out, expected, rtol=1e-6, atol=0), \
        f"top_p_filter(log([0.15, 0.5, 0.05, 0.3]), 0.85) should be {np.round(expected, 4).tolist()}; " \
        f"got {np.round(out, 4).tolist()}"


@test_case(points=1, hidden=False)
def test_tiny_p_keeps_the_most_likely_token(top_p_filter):
    """the most likely token is always kept, however small p is"""
    out = np.asarray(top_p_filter(LOGITS, 1e-6), dtype=float)
    expected = np.array([NEG_INF, LOGITS[1], NEG_INF, NEG_INF])
    assert np.allclose(out, expected, rtol=1e-6, atol=0), \
        f"top_p_filter(log([0.15, 0.5, 0.05, 0.3]), 1e-6) should keep only the most likely token: " \
        f"{np.round(expected, 4).tolist()}; got {np.round(out, 4).tolist()}"


@test_case(points=1, hidden=False)
def test_p_one_changes_nothing(top_p_filter):
    """p = 1.0 returns the logits unchanged, even those of tokens with probability 0"""
    logits = np.array([3.0, -1000.0, -2000.0])  # probabilities 1, 0, 0: exp(-1003) underflows to 0
    out = np.asarray(top_p_filter(logits, 1.0), dtype=float)
    assert np.array_equal(out, logits), f"top_p_filter({logits.tolist()}, 1.0) should return them unchanged; " \
        f"got {out.tolist()}"


@test_case(points=1, hidden=False)
def test_p_outside_zero_one_raises_value_error(top_p_filter):
    """p = 0 and p = 1.5 lie outside (0, 1]: ValueError"""
    for p in (0.0, 1.5):
        try:
            top_p_filter(LOGITS, p)
        except ValueError:
            continue
        raise AssertionError(f"top_p_filter(logits, {p}) should raise ValueError (p must lie in (0, 1])")
