"""The comparison helpers of hidden tests: what they accept and what they refuse."""

from __future__ import annotations

import numpy as np
import pytest

from autograder.testing.checks import check_close, check_scalar_close


def test_an_infinite_expectation_is_met_only_exactly():
    check_close(np.array([-np.inf, 1.0, np.inf]), np.array([-np.inf, 1.0 + 1e-12, np.inf]), "c")
    for wrong in ([5.0, 1.0, np.inf], [np.inf, 1.0, np.inf], [-np.inf, 1.0, 1e308], [np.nan, 1.0, np.inf]):
        with pytest.raises(AssertionError, match="wrong result"):
            check_close(np.array(wrong), np.array([-np.inf, 1.0, np.inf]), "c")


def test_finite_values_within_the_tolerance_pass_and_others_fail():
    check_close([1.0, 2.0], [1.0 + 1e-7, 2.0], "c", rtol=1e-6)
    with pytest.raises(AssertionError):
        check_close([1.0, 2.1], [1.0, 2.0], "c", rtol=1e-6)
    with pytest.raises(AssertionError, match="NaN"):
        check_close([np.nan, 2.0], [1.0, 2.0], "c")
    check_scalar_close(2.0, 2.0 + 1e-10, "c")
    with pytest.raises(AssertionError):
        check_scalar_close(2.5, 2.0, "c")
