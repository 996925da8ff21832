import numpy as np
import pytest

from autograder.testing.checks import Call, check_correct_and_inputs_unchanged, check_scalar_close

from .support import FRAMEWORKS, LOSS_RTOL, EagerTensor, check_loss_given_as, features

pytestmark = pytest.mark.question("content_loss")


def check_loss(student, reference, b, c):
    call = Call("content_loss", b, c)
    check_scalar_close(call(student), call(reference), call, rtol=LOSS_RTOL, atol=0.0)


@pytest.mark.points(3)
@pytest.mark.parametrize("shape", [(4, 5, 3), (8, 10, 16), (1, 1, 1), (2, 7, 5)], ids=lambda s: "x".join(map(str, s)))
def test_sum_of_squared_differences(student, reference, shape):
    """the sum (not the mean) of squared differences"""
    check_loss(student, reference, features(shape, seed=1), features(shape, seed=2))


def test_identical_maps_give_zero(student):
    """identical feature maps have zero content loss"""
    x = features((3, 4, 5), seed=3)
    call = Call("content_loss", x, x.copy())
    check_scalar_close(call(student), 0.0, call, atol=1e-12)


def test_squared_not_absolute(student, reference):
    """differences larger and smaller than 1 are squared"""
    b = np.zeros((2, 2, 2))
    c = np.array([0.5, -0.25, 2.0, -3.0, 0.0, 1.0, 0.1, -1.5]).reshape(2, 2, 2)
    check_loss(student, reference, b, c)


def test_float32_inputs(student, reference):
    """float32 feature maps"""
    check_loss(student, reference, features((6, 5, 4), seed=4).astype(np.float32),
               features((6, 5, 4), seed=5).astype(np.float32))


def test_nested_list_inputs(student, reference):
    """nested Python lists work like arrays"""
    a, b = features((2, 3, 2), seed=12), features((2, 3, 2), seed=13)
    check_loss_given_as(student, reference, "content_loss", a, b, np.ndarray.tolist)


def test_tensor_inputs(student, reference):
    """eager TensorFlow and PyTorch tensors (float32) work like arrays"""
    a, b = features((3, 4, 2), seed=14).astype(np.float32), features((3, 4, 2), seed=15).astype(np.float32)
    for framework in FRAMEWORKS:
        check_loss_given_as(student, reference, "content_loss", a, b, lambda x, fw=framework: EagerTensor(fw, x))


def test_does_not_modify_inputs(student, reference):
    """the feature maps are left unchanged (and the loss is right)"""
    c = Call("content_loss", features((3, 4, 2), seed=6), features((3, 4, 2), seed=7))
    check_correct_and_inputs_unchanged(student, reference, c, lambda a, e, call: check_scalar_close(
        a, e, call, rtol=LOSS_RTOL, atol=0.0))
