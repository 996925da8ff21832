"""The statistical checks refuse a sample that is not what was asked for: wrong count, shape or type,
or any non-finite value (a NaN makes every "above the limit" comparison false, so it would pass)."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from autograder.testing.stats import check_categorical, check_standard_normal

PROBS = np.array([0.1, 0.2, 0.3, 0.4])
GOOD_IDS = list(np.random.default_rng(0).choice(4, size=5000, p=PROBS))
GOOD_NORMAL = np.random.default_rng(1).normal(size=(20_000, 3))


def test_good_samples_pass():
    check_categorical(GOOD_IDS, PROBS, "draws", count=5000)
    check_standard_normal(GOOD_NORMAL, "noise", rows=20_000)


@given(st.sampled_from([np.nan, np.inf, -np.inf]), st.integers(0, 4999))
def test_a_non_finite_draw_fails(bad, where):
    ids = np.asarray(GOOD_IDS, dtype=np.float64)
    ids[where] = bad
    with pytest.raises(AssertionError, match="whole token ids"):
        check_categorical(list(ids), PROBS, "draws", count=5000)


@given(st.integers(0, 4999).filter(lambda n: n != 5000))
def test_fewer_draws_than_requested_fail(n):
    with pytest.raises(AssertionError, match="instead of 5000|no draws"):
        check_categorical(GOOD_IDS[:n], PROBS, "draws", count=5000)


@given(st.sampled_from(["text", [[0, 1], [2, 3]], [0.5, 1.5], [True, False], {"a": 1}]))
def test_draws_of_the_wrong_type_or_shape_fail(draws):
    with pytest.raises(AssertionError):
        check_categorical(draws, PROBS, "draws")


@given(st.sampled_from([np.nan, np.inf, -np.inf]), st.integers(0, 20_000 * 3 - 1))
def test_a_non_finite_normal_value_fails(bad, where):
    u = GOOD_NORMAL.copy()
    u.flat[where] = bad
    with pytest.raises(AssertionError, match="NaN or infinite"):
        check_standard_normal(u, "noise")


@given(st.sampled_from([(20_000,), (50, 3), (20_000, 3, 1), (0, 3)]))
def test_a_normal_sample_of_the_wrong_shape_fails(shape):
    with pytest.raises(AssertionError, match="shape"):
        check_standard_normal(np.zeros(shape), "noise")


def test_a_normal_sample_with_fewer_rows_than_requested_fails():
    with pytest.raises(AssertionError, match="rows instead of"):
        check_standard_normal(GOOD_NORMAL[:10_000], "noise", rows=20_000)


def test_an_all_nan_sample_would_have_passed_the_bare_comparisons():
    u = np.full((20_000, 3), np.nan)
    assert not (np.abs(u.mean(axis=0)) * np.sqrt(20_000) > 5.5).any(), "why validation is needed"
    with pytest.raises(AssertionError):
        check_standard_normal(u, "noise")
