import numpy as np
import pytest

from autograder.testing.checks import Call, check_close, check_correct_and_inputs_unchanged, check_raises, result_array

from .support import FRAMEWORKS, LARGE_V_RTOL, SOFTMAX_ATOL, SOFTMAX_RTOL, EagerTensor

pytestmark = pytest.mark.question("softmax_temperature")


def check(student, reference, *args, rtol=SOFTMAX_RTOL, atol=SOFTMAX_ATOL, **kwargs):
    c = Call("softmax_temperature", *args, **kwargs)
    return check_close(c(student), c(reference), c, rtol=rtol, atol=atol)


@pytest.mark.points(2)
@pytest.mark.parametrize("temperature", [1.0, 0.5, 2.0, 0.1, 10.0])
def test_matches_softmax_of_scaled_logits(student, reference, temperature):
    """softmax(logits / temperature) on a vector of logits"""
    check(student, reference, np.array([1.0, 2.0, 0.5, 3.0, -1.0, 0.0]), temperature)


def test_default_temperature_is_one(student, reference):
    """the temperature defaults to 1.0"""
    check(student, reference, np.array([0.3, -1.2, 2.5, 0.0]))


@pytest.mark.points(2)
def test_batch_normalises_last_axis(student, reference):
    """a square (B, V) batch is normalised along the last axis, row by row"""
    x = np.random.default_rng(0).normal(size=(4, 4)) * 2
    check(student, reference, x, 0.7)


def test_three_dimensional_input(student, reference):
    """(..., V) inputs: every vector along the last axis is normalised"""
    check(student, reference, np.random.default_rng(1).normal(size=(2, 3, 5)), 1.5)


@pytest.mark.points(2)
def test_large_logits_are_stable(student, reference):
    """[1000, 1001, 1002] gives finite, correct probabilities (subtract the maximum before exp)"""
    check(student, reference, np.array([1000.0, 1001.0, 1002.0]), 1.0)


def test_rows_of_very_different_sizes(student, reference):
    """each row is stabilised with its own maximum: [0, 1, 2] and [1000, 1001, 1002] in one batch stay finite"""
    check(student, reference, np.array([[0.0, 1.0, 2.0], [1000.0, 1001.0, 1002.0], [-1000.0, -999.0, -998.0]]), 1.0)


@pytest.mark.points(2)
def test_tiny_temperature_is_stable(student, reference):
    """temperature 1e-3 on [1000, 1001, 1002] gives finite, correct probabilities"""
    check(student, reference, np.array([1000.0, 1001.0, 1002.0]), 1e-3)


@pytest.mark.points(2)
def test_masked_logits_get_exactly_zero(student):
    """a -inf logit gets probability exactly 0"""
    c = Call("softmax_temperature", np.array([-np.inf, 0.0, 1.0, -np.inf]), 0.8)
    p = result_array(c(student), c).astype(np.float64)
    if p.shape != (4,) or p[0] != 0.0 or p[3] != 0.0 or not np.isclose(p.sum(), 1.0) or not np.isfinite(p).all():
        raise AssertionError(f"{c} should give probability exactly 0 to the -inf logits and sum to 1; "
                             f"it returned {np.array2string(p, precision=4)}")


@pytest.mark.points(2)
def test_ties_share_the_mass_at_tiny_temperature(student, reference):
    """tied maxima share the probability at tiny temperature ([2, 2, 1], T=1e-8 -> [0.5, 0.5, 0])"""
    check(student, reference, np.array([2.0, 2.0, 1.0]), 1e-8)


@pytest.mark.parametrize("temperature", [0.0, -1.0])
def test_non_positive_temperature_raises(student, temperature):
    """temperature <= 0 raises ValueError"""
    check_raises(student, "ValueError", Call("softmax_temperature", np.array([1.0, 2.0]), temperature))


def test_large_vocabulary(student, reference):
    """a 50,000-token vocabulary"""
    x = np.random.default_rng(2).normal(size=50_000) * 5
    check(student, reference, x, 0.8, rtol=LARGE_V_RTOL, atol=SOFTMAX_ATOL)


def test_python_list_and_integer_logits(student, reference):
    """a Python list of integers works like an array"""
    check(student, reference, [3, 1, 4, 1, 5], 2.0)


def test_integer_and_float32_arrays(student, reference):
    """NumPy arrays of integers and of float32 work like float64 arrays"""
    check(student, reference, np.array([[3, 1, 4], [1, 5, 9]]), 2.0)
    check(student, reference, np.array([0.5, -1.5, 2.0, 0.0], dtype=np.float32), 0.7)


def test_tensor_inputs(student, reference):
    """eager TensorFlow and PyTorch tensors (float32, with a -inf logit) work like arrays"""
    x = np.array([[0.5, -1.5, 2.0], [1.0, 0.0, -np.inf]], dtype=np.float32)
    for framework in FRAMEWORKS:
        c = Call("softmax_temperature", EagerTensor(framework, x), 0.7)
        check_close(c(student), reference.softmax_temperature(x, 0.7), c, rtol=SOFTMAX_RTOL, atol=SOFTMAX_ATOL)


def test_does_not_modify_input(student, reference):
    """the logits passed in are left unchanged (and the result is right)"""
    c = Call("softmax_temperature", np.array([[1.0, 2.0, 3.0], [0.5, -0.5, 4.0]]), 0.5)
    check_correct_and_inputs_unchanged(student, reference, c, lambda a, e, call: check_close(
        a, e, call, rtol=SOFTMAX_RTOL, atol=SOFTMAX_ATOL))
