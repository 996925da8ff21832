"""top_p_filter against the reference. Every ``p`` lies at least ``P_MARGIN`` (1e-3) away from the mass above
any token, so float32 implementations decide like the reference; ties are exact (equal logits), and the spec's
rule keeps or removes tied tokens together where Hugging Face's sort would split them."""

import numpy as np
import pytest

from autograder.models import EagerTensor
from autograder.testing.checks import Call, check_correct_and_inputs_unchanged, check_raises

from .support import check_filtered, check_kept_bit_for_bit, mass_above, nucleus_p, random_logits

pytestmark = pytest.mark.question("top_p_filter")

PREFERRED = (0.9, 0.7, 0.5, 0.8, 0.6, 0.95, 0.4)


def check(student, reference, logits, p):
    c = Call("top_p_filter", logits, p)
    return check_filtered(c(student), c(reference), c)


@pytest.mark.points(3)
@pytest.mark.parametrize(("v", "seed", "preferred"), [(10, 1, (0.9,)), (40, 2, (0.5, 0.6)), (25, 3, (0.75, 0.8)),
                                                      (6, 4, (0.3, 0.35))], ids=["V10", "V40", "V25", "V6"])
def test_random_vocabulary_vectors(student, reference, v, seed, preferred):
    """a (V,) vector: the nucleus (every token with less than p above it) kept unchanged, the rest -inf"""
    x = random_logits((v,), seed)
    check(student, reference, x, nucleus_p(x, preferred + PREFERRED))


@pytest.mark.points(2)
def test_rows_of_a_batch_have_their_own_nucleus(student, reference):
    """(B, V): each row's softmax and nucleus are its own (peaked and flat rows)"""
    x = random_logits((4, 15), 5) * np.array([[0.2], [1.0], [3.0], [0.5]]) + np.array([[4.0], [0.0], [-9.0], [1.0]])
    check(student, reference, x, nucleus_p(x, PREFERRED))


@pytest.mark.points(2)
def test_tied_tokens_straddling_p_are_all_kept(student, reference):
    """tokens tied where the running total passes p are all kept (Hugging Face's sort keeps only some)"""
    x = np.array([0.0, 2.0, 1.0, 1.0, 1.0, -1.0])  # the three 1.0 share the mass above them: that of 2.0
    above = mass_above(x)
    assert above[2] < 0.6 < above[2] + 2 * np.exp(1.0) / np.exp(x).sum()
    check(student, reference, x, 0.6)
    batch = np.array([[3.0, 0.5, 0.5, 2.0, 0.5], [1.0, 1.0, 1.0, 1.0, 0.0]])
    check(student, reference, batch, nucleus_p(batch, (0.9, 0.8)))


def test_tied_tokens_below_the_nucleus_are_all_removed(student, reference):
    """tokens tied below the nucleus are removed together"""
    check(student, reference, np.array([3.0, 0.0, 2.5, 0.0, 0.0]), 0.5)


@pytest.mark.points(2)
def test_tiny_p_keeps_only_the_argmax(student, reference):
    """a tiny p keeps only the most likely token of each row"""
    x = random_logits((3, 12), 6)
    check(student, reference, x, 1e-9)


def test_p_equal_to_one(student):
    """p = 1.0 returns the logits unchanged, even tokens whose probability underflows to 0"""
    x = np.array([[0.0, -1000.0, -1500.0, -np.inf], [5.0, 4.0, -800.0, 3.0]])  # row 0: probabilities 1, 0, 0, 0
    c = Call("top_p_filter", x, 1.0)
    check_filtered(c(student), x, c, rtol=0, atol=0)


def test_minus_infinity_logits(student, reference):
    """-inf logits (masked tokens) have probability 0 and stay -inf"""
    x = np.array([-np.inf, 1.5, 0.2, -np.inf, 0.9, -0.4])
    check(student, reference, x, nucleus_p(x, (0.9, 0.8)))


@pytest.mark.points(2)
def test_large_logits_are_numerically_stable(student, reference):
    """logits around 1000 (exp overflows unless the maximum is subtracted)"""
    x = random_logits((2, 10), 7) + 1000.0
    check(student, reference, x, nucleus_p(x, PREFERRED))


def test_python_list_logits(student, reference):
    """logits given as a Python list"""
    x = [0.3, 2.2, -0.7, 1.4, 0.9]
    check(student, reference, x, nucleus_p(np.array(x), PREFERRED))


@pytest.mark.parametrize("framework", ["torch"])  # no TensorFlow in this assignment's hosts
def test_float32_tensor_logits(student, reference, framework):
    """logits given as a float32 torch.Tensor or tf.Tensor (B, V)"""
    x = random_logits((2, 10), 11).astype(np.float32)
    p = nucleus_p(x, PREFERRED)
    c = Call("top_p_filter", EagerTensor(framework, x), p)
    check_filtered(c(student), reference.top_p_filter(x, p), c)


@pytest.mark.points(2)
def test_kept_logits_are_bit_for_bit_the_inputs(student, reference):
    """kept logits are returned exactly (float32 inputs: no arithmetic may touch them)"""
    x = random_logits((3, 16), 8).astype(np.float32)
    c = Call("top_p_filter", x, nucleus_p(x, PREFERRED))
    check_kept_bit_for_bit(c(student), x, c(reference), c)


@pytest.mark.points(2)
@pytest.mark.parametrize("p", [0.0, -0.25, 1.5], ids=["zero", "negative", "above-one"])
def test_p_outside_the_unit_interval_raises(student, p):
    """p = 0, a negative p and p > 1 raise ValueError"""
    check_raises(student, "ValueError", Call("top_p_filter", random_logits((5,), 9), p))


@pytest.mark.points(2)
def test_logits_are_left_unchanged(student, reference):
    """the logits passed in are left unchanged (and the result is right)"""
    x = random_logits((3, 8), 10)
    c = Call("top_p_filter", x, nucleus_p(x, PREFERRED))
    check_correct_and_inputs_unchanged(student, reference, c, check_filtered)
