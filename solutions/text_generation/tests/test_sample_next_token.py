"""Sampling is graded by distribution: 5,000 draws with a fixed seed, Pearson chi-square against
softmax(logits / T) at alpha = 1e-6 per test (a test with two checks uses 5e-7 for each), so a
correct implementation fails with probability at most 1e-6 per test, and with a fixed seed the
verdict for a given implementation never changes. Power at this size (measured in
shared/research/domain-notes.md section 4.2): a temperature off by 14% (0.8 instead of 0.7) is
rejected with probability 0.9995; multiplying by T or ignoring it, always. The draws are made
inside the sandbox in one batch (``repeat``), not one round trip each."""

import numpy as np
import pytest

from autograder.models import EagerTensor
from autograder.sandbox.wire import RngState
from autograder.testing.checks import Call, check_correct_and_inputs_unchanged, check_raises, result_array
from autograder.testing.stats import check_categorical

from .support import FRAMEWORKS

pytestmark = pytest.mark.question("sample_next_token")

N_DRAWS = 5_000
N_EXTREME = 2_000  # extreme temperatures and large logits: the mistakes they target (ignoring T, overflow) are gross
N_TYPES = 1_000  # input types (lists, float32): the mistakes they target raise or are gross
N_TENSORS = 500  # per tensor type
SAMPLING_SECONDS = 90
LOGITS = np.array([1.0, 2.0, 0.5, 3.0, -1.0, -np.inf])


def token_id(value, call):
    """The student's token id: an integer scalar (a Python int, a NumPy integer or a 0-d integer tensor)."""
    arr = result_array(value, call, kinds="iuf")
    if arr.ndim != 0:
        raise AssertionError(f"{call} returned an array of shape {arr.shape}; it should return a single int")
    if arr.dtype.kind == "f":
        raise AssertionError(f"{call} returned the float {float(arr):g}; it should return an int token id")
    return int(arr)


def probabilities(logits, temperature):
    z = np.asarray(logits, dtype=np.float64) / temperature
    e = np.exp(z - np.max(z))
    return e / e.sum()


def draws(student, logits, temperature, seed, n=N_DRAWS):
    """``n`` draws made inside the sandbox in one call; the token ids as ints."""
    c = Call("sample_next_token", logits, temperature, np.random.default_rng(seed))
    values = student.sample_next_token.with_timeout(SAMPLING_SECONDS).repeat(n, logits, temperature,
                                                                               np.random.default_rng(seed))
    return [token_id(v, c) for v in values], c


@pytest.mark.points(3)
@pytest.mark.parametrize("temperature", [1.0, 0.5, 2.0])
def test_draws_follow_softmax_with_temperature(student, temperature):
    """draws follow softmax(logits / temperature) and never pick a -inf token"""
    ids, c = draws(student, LOGITS, temperature, seed=11)
    check_categorical(ids, probabilities(LOGITS, temperature), str(c))


def test_extreme_temperatures(student):
    """a low temperature (0.05) concentrates the draws, a high one (50) spreads them"""
    for temperature in (0.05, 50.0):
        ids, c = draws(student, LOGITS[:5], temperature, seed=12, n=N_EXTREME)
        check_categorical(ids, probabilities(LOGITS[:5], temperature), str(c), alpha=5e-7)


def test_large_logits_and_vocabulary(student):
    """large logits ([1000, 1001, 1002, ...]) and a 1,000-token vocabulary sample correctly"""
    logits = np.concatenate([[1000.0, 1001.0, 1002.0], np.random.default_rng(3).normal(size=997) + 998.0])
    ids, c = draws(student, logits, 1.0, seed=13, n=N_EXTREME)
    check_categorical(ids, probabilities(logits, 1.0), str(c))


def test_python_list_and_float32_logits(student):
    """logits given as a Python list of ints, or as a float32 array (with a -inf token), sample correctly"""
    for logits, temperature in (([3, 1, 4, 1, 5], 2.0), (LOGITS.astype(np.float32), 2.0)):
        ids, c = draws(student, logits, temperature, seed=14, n=N_TYPES)
        check_categorical(ids, probabilities(logits, temperature), str(c), alpha=5e-7)
    c = Call("sample_next_token", [0.5, 2.5, -1.0], 0, np.random.default_rng(0))
    got = token_id(c(student), c)
    if got != 1:
        raise AssertionError(f"{c} returned {got}; at temperature 0 it should return the index of the largest logit")


def test_tensor_logits(student):
    """logits given as eager TensorFlow and PyTorch tensors sample and decode greedily like arrays"""
    logits = LOGITS.astype(np.float32)
    for framework in FRAMEWORKS:
        ids, c = draws(student, EagerTensor(framework, logits), 1.0, seed=15, n=N_TENSORS)
        check_categorical(ids, probabilities(logits, 1.0), str(c), alpha=2.5e-7)
        c = Call("sample_next_token", EagerTensor(framework, logits), 0, np.random.default_rng(0))
        got = token_id(c(student), c)
        if got != 3:
            raise AssertionError(f"{c} returned {got}; at temperature 0 it should return the index of the largest "
                                 f"logit")


@pytest.mark.points(2)
def test_greedy_at_zero_temperature(student):
    """temperature 0 returns the index of the largest logit"""
    for logits, best in (([0.1, 2.5, -1.0, 2.4], 1), ([-3.0, -1.0, -2.0], 1), ([5.0, -np.inf, 1.0], 0)):
        c = Call("sample_next_token", np.array(logits), 0, np.random.default_rng(0))
        got = token_id(c(student), c)
        if got != best:
            raise AssertionError(f"{c} returned {got}; at temperature 0 it should return the index of the "
                                 f"largest logit")


def test_greedy_ties_take_lowest_index(student):
    """at temperature 0, tied maxima give the lowest index"""
    c = Call("sample_next_token", np.array([1.0, 3.0, 3.0, 2.0]), 0, np.random.default_rng(0))
    got = token_id(c(student), c)
    if got != 1:
        raise AssertionError(f"{c} returned {got}; ties should go to the lowest index")


def test_greedy_does_not_use_rng(student):
    """temperature 0 does not draw from rng"""
    rng = np.random.default_rng(5)
    c = Call("sample_next_token", np.array([0.5, 1.5, 0.2]), 0, rng)
    _, after, _ = student.sample_next_token.call_and_inputs(np.array([0.5, 1.5, 0.2]), 0, rng)
    state = after[2] if len(after) > 2 else None
    if not isinstance(state, RngState) or state.state != np.random.default_rng(5).bit_generator.state:
        raise AssertionError(f"{c} changed the state of rng; greedy decoding must not draw random numbers")


@pytest.mark.points(2)
def test_same_seed_same_draws(student):
    """the same seed gives the same draws, different seeds give different draws (randomness only from rng)"""
    logits = np.zeros(50)
    a, c = draws(student, logits, 1.0, seed=21, n=40)
    b, _ = draws(student, logits, 1.0, seed=21, n=40)
    d, _ = draws(student, logits, 1.0, seed=22, n=40)
    if a != b:
        raise AssertionError(f"{c}: two runs with the same seed gave different draws; use only rng for randomness")
    if a == d:
        raise AssertionError(f"{c}: two different seeds gave the same draws; draw from the rng you are given")


def test_negative_temperature_raises(student):
    """temperature < 0 raises ValueError"""
    check_raises(student, "ValueError", Call("sample_next_token", np.array([1.0, 2.0]), -0.5,
                                             np.random.default_rng(0)))


def test_does_not_modify_logits(student, reference):
    """the logits passed in are left unchanged (and a valid token id comes back)"""
    c = Call("sample_next_token", np.array([1.0, 2.0, 0.5]), 0.7, np.random.default_rng(1))

    def valid_token(actual, expected, call):
        if not 0 <= token_id(actual, call) < 3:
            raise AssertionError(f"{call} returned {token_id(actual, call)}, outside the vocabulary 0..2")

    check_correct_and_inputs_unchanged(student, reference, c, valid_token)
