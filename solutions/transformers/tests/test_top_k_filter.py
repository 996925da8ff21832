"""top_k_filter against the reference: random logits (no tie at the cut), the spec's hard cases (ties at the
cut all kept, k >= V, -inf logits, batches), kept logits bit for bit, and k's validation."""

import numpy as np
import pytest

from autograder.models import EagerTensor
from autograder.testing.checks import Call, check_correct_and_inputs_unchanged, check_raises

from .support import check_filtered, check_kept_bit_for_bit, kth_is_unique, random_logits

pytestmark = pytest.mark.question("top_k_filter")


def check(student, reference, logits, k):
    c = Call("top_k_filter", logits, k)
    return check_filtered(c(student), c(reference), c)


@pytest.mark.points(3)
@pytest.mark.parametrize(("v", "k", "seed"), [(10, 3, 1), (50, 7, 2), (6, 5, 3), (30, 1, 4)],
                         ids=["V10-k3", "V50-k7", "V6-k5", "V30-k1"])
def test_random_vocabulary_vectors(student, reference, v, k, seed):
    """a (V,) vector of logits: the k largest kept unchanged, the others -inf"""
    x = random_logits((v,), seed)
    assert kth_is_unique(x, k)
    check(student, reference, x, k)


@pytest.mark.points(2)
def test_rows_of_a_batch_have_their_own_cut(student, reference):
    """(B, V): each row keeps its own k largest (rows on very different scales)"""
    x = random_logits((4, 12), 5) + np.array([[0.0], [10.0], [-7.0], [3.0]])
    assert kth_is_unique(x, 3)
    check(student, reference, x, 3)


@pytest.mark.points(2)
@pytest.mark.parametrize(("logits", "k"), [
    ([1.0, 3.0, 2.0, 2.0, 2.0, 0.0], 2),
    ([[5.0, 5.0, 5.0, 1.0, 0.0], [0.5, 4.0, 0.5, -1.0, 0.5]], 2),
    ([7.0, 7.0, 7.0, 7.0], 1),
], ids=["three-tied-at-cut", "batch-ties", "all-tied"])
def test_tokens_tied_with_the_kth_logit(student, reference, logits, k):
    """every token tied with the k-th largest logit is kept (more than k tokens survive)"""
    check(student, reference, np.array(logits), k)


@pytest.mark.points(2)
@pytest.mark.parametrize("k", [8, 9, 1000])
def test_k_at_least_the_vocabulary_size(student, k):
    """k >= V keeps every token: the logits come back unchanged"""
    x = random_logits((2, 8), 6)
    c = Call("top_k_filter", x, k)
    check_filtered(c(student), x, c)


def test_minus_infinity_logits(student, reference):
    """-inf logits (masked tokens) stay -inf; with k beyond the finite tokens everything is kept"""
    x = np.array([-np.inf, 2.0, -np.inf, 1.0, 0.5, -3.0])
    check(student, reference, x, 2)
    check(student, reference, x, 5)


def test_python_list_logits(student, reference):
    """logits given as a Python list"""
    check(student, reference, [0.25, -1.5, 3.0, 2.75, 0.0], 3)


@pytest.mark.parametrize("framework", ["torch"])  # no TensorFlow in this assignment's hosts
def test_float32_tensor_logits(student, reference, framework):
    """logits given as a float32 torch.Tensor or tf.Tensor (B, V)"""
    x = random_logits((2, 10), 11).astype(np.float32)
    c = Call("top_k_filter", EagerTensor(framework, x), 4)
    check_filtered(c(student), reference.top_k_filter(x, 4), c)


@pytest.mark.points(2)
def test_kept_logits_are_bit_for_bit_the_inputs(student, reference):
    """kept logits are returned exactly (float32 inputs: no arithmetic may touch them)"""
    x = random_logits((3, 20), 7).astype(np.float32)
    c = Call("top_k_filter", x, 6)
    check_kept_bit_for_bit(c(student), x, c(reference), c)


@pytest.mark.points(2)
@pytest.mark.parametrize("k", [np.int64(3), np.int32(2), np.int64(100)], ids=["int64-3", "int32-2", "int64-100"])
def test_numpy_integer_k(student, reference, k):
    """k given as a NumPy integer is accepted like a Python int"""
    check(student, reference, random_logits((2, 9), 8), k)


@pytest.mark.points(2)
@pytest.mark.parametrize("k", [0, -2, 2.5], ids=["zero", "negative", "float"])
def test_invalid_k_raises_value_error(student, k):
    """k = 0, a negative k and a non-integer k raise ValueError"""
    check_raises(student, "ValueError", Call("top_k_filter", random_logits((5,), 9), k))


@pytest.mark.points(2)
def test_logits_are_left_unchanged(student, reference):
    """the logits passed in are left unchanged (and the result is right)"""
    c = Call("top_k_filter", random_logits((3, 7), 10), 2)
    check_correct_and_inputs_unchanged(student, reference, c, check_filtered)
