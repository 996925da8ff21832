import numpy as np
import pytest

from autograder.testing.checks import Call, check_correct_and_inputs_unchanged, check_scalar_close

from .support import FRAMEWORKS, LOSS_RTOL, EagerTensor, check_loss_given_as, features

pytestmark = pytest.mark.question("style_loss")


def check_loss(student, reference, s, c):
    call = Call("style_loss", s, c)
    check_scalar_close(call(student), call(reference), call, rtol=LOSS_RTOL, atol=0.0)


@pytest.mark.points(3)
@pytest.mark.parametrize("shape", [(4, 5, 3), (8, 10, 16), (3, 3, 3), (1, 2, 5), (6, 2, 8)],
                         ids=lambda s: "x".join(map(str, s)))
def test_matches_gatys_per_layer_loss(student, reference, shape):
    """sum((G_s - G_c)^2) / (4 C^2 (H W)^2) with the layer's own H, W, C"""
    check_loss(student, reference, features(shape, seed=1), features(shape, seed=2))


def test_identical_maps_give_zero(student):
    """identical feature maps have zero style loss"""
    x = features((4, 4, 3), seed=3)
    call = Call("style_loss", x, x.copy())
    check_scalar_close(call(student), 0.0, call, atol=1e-12)


@pytest.mark.points(2)
def test_invariant_to_spatial_shuffle(student):
    """the loss compares Gram matrices, so shuffling the pixels of one map changes nothing"""
    x = features((5, 6, 4), seed=4)
    shuffled = x.reshape(-1, 4)[np.random.default_rng(5).permutation(30)].reshape(5, 6, 4)
    call = Call("style_loss", x, shuffled)
    check_scalar_close(call(student), 0.0, call, atol=1e-9)


def test_large_activations(student, reference):
    """large VGG-like activations"""
    check_loss(student, reference, features((10, 12, 32), seed=6, scale=300.0),
               features((10, 12, 32), seed=7, scale=300.0))


def test_float32_inputs(student, reference):
    """float32 feature maps"""
    check_loss(student, reference, features((4, 6, 8), seed=8).astype(np.float32),
               features((4, 6, 8), seed=9).astype(np.float32))


def test_nested_list_inputs(student, reference):
    """nested Python lists work like arrays"""
    a, b = features((2, 3, 2), seed=12), features((2, 3, 2), seed=13)
    check_loss_given_as(student, reference, "style_loss", a, b, np.ndarray.tolist)


def test_tensor_inputs(student, reference):
    """eager TensorFlow and PyTorch tensors (float32) work like arrays"""
    a, b = features((3, 4, 2), seed=14).astype(np.float32), features((3, 4, 2), seed=15).astype(np.float32)
    for framework in FRAMEWORKS:
        check_loss_given_as(student, reference, "style_loss", a, b, lambda x, fw=framework: EagerTensor(fw, x))


def test_does_not_modify_inputs(student, reference):
    """the feature maps are left unchanged (and the loss is right)"""
    c = Call("style_loss", features((3, 4, 2), seed=10), features((3, 4, 2), seed=11))
    check_correct_and_inputs_unchanged(student, reference, c, lambda a, e, call: check_scalar_close(
        a, e, call, rtol=LOSS_RTOL, atol=0.0))
