import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from autograder.testing.checks import Call, check_close, check_correct_and_inputs_unchanged, check_raises

from .support import FRAMEWORKS, GRAM_RTOL, EagerTensor, features

pytestmark = pytest.mark.question("gram_matrix")


def check_gram(student, reference, x):
    c = Call("gram_matrix", x)
    expected = c(reference)
    check_close(c(student), expected, c, rtol=GRAM_RTOL, atol=0.0, scale=max(float(np.max(np.abs(expected))), 1e-12))


@pytest.mark.points(2)
@pytest.mark.parametrize("shape", [(4, 5, 3), (2, 3, 5), (6, 5, 1)], ids=lambda s: "x".join(map(str, s)))
def test_single_feature_map(student, reference, shape):
    """the unnormalised Gram matrix F^T F of an (H, W, C) feature map"""
    check_gram(student, reference, features(shape, seed=sum(shape)))


@pytest.mark.points(2)
def test_cube_feature_map(student, reference):
    """H = W = C, so a wrong transpose still has the right shape but wrong values"""
    check_gram(student, reference, np.arange(4 * 4 * 4, dtype=np.float64).reshape(4, 4, 4) % 7 - 3)


@pytest.mark.parametrize("shape", [(1, 1, 7), (7, 1, 2)], ids=lambda s: "x".join(map(str, s)))
def test_thin_feature_maps(student, reference, shape):
    """feature maps of one pixel, or one column"""
    check_gram(student, reference, features(shape, seed=3))


@pytest.mark.points(2)
def test_batch(student, reference):
    """a batch (B, H, W, C) gives one Gram matrix per image, shape (B, C, C)"""
    check_gram(student, reference, features((3, 6, 5, 4), seed=4))


def test_batch_of_one(student, reference):
    """a batch of one image keeps its batch axis"""
    check_gram(student, reference, features((1, 3, 2, 5), seed=5))


def test_large_activations(student, reference):
    """large VGG-like activations (Gram entries around 1e9)"""
    check_gram(student, reference, features((20, 30, 64), seed=6, scale=500.0))


def test_float32_and_integer_inputs(student, reference):
    """float32 and integer feature maps"""
    check_gram(student, reference, features((5, 4, 3), seed=7).astype(np.float32))
    check_gram(student, reference, np.arange(24).reshape(2, 4, 3))


def test_nested_list_input(student, reference):
    """a nested Python list works like an array ([[[1, 2], [3, 4]]] gives [[10, 14], [14, 20]])"""
    check_gram(student, reference, [[[1.0, 2.0], [3.0, 4.0]]])


def test_tensor_inputs(student, reference):
    """eager TensorFlow and PyTorch tensors (float32) work like arrays"""
    x = features((3, 4, 2), seed=9).astype(np.float32)
    expected = reference.gram_matrix(x)
    for framework in FRAMEWORKS:
        c = Call("gram_matrix", EagerTensor(framework, x))
        check_close(c(student), expected, c, rtol=GRAM_RTOL, atol=0.0, scale=float(np.max(np.abs(expected))))


@pytest.mark.parametrize("shape", [(6, 4), (2, 3, 4, 5, 2), (5,)], ids=lambda s: f"rank{len(s)}")
def test_other_ranks_raise(student, shape):
    """any rank other than 3 or 4 raises ValueError"""
    check_raises(student, "ValueError", Call("gram_matrix", np.ones(shape)))


def test_does_not_modify_input(student, reference):
    """the feature map is left unchanged (and the Gram matrix is right)"""
    check_correct_and_inputs_unchanged(student, reference, Call("gram_matrix", features((3, 4, 2), seed=8)),
                                       lambda a, e, call: check_close(a, e, call, rtol=GRAM_RTOL, atol=0.0,
                                                                      scale=float(np.max(np.abs(e)))))


@settings(max_examples=25)
@given(h=st.integers(1, 6), w=st.integers(1, 6), ch=st.integers(1, 6), seed=st.integers(0, 2**16))
def test_random_shapes(student, reference, h, w, ch, seed):
    """random shapes agree with the reference"""
    check_gram(student, reference, features((h, w, ch), seed=seed))
