"""The mask is graded bit-for-bit: the spec fixes the rng call (``rng.random(size=images.shape[1:])``),
so the same seed must give the reference's numbers (up to float32 rounding of the arithmetic)."""

import numpy as np
import pytest

from autograder.sandbox.wire import RngState
from autograder.testing.checks import Call, check_close, check_correct_and_inputs_unchanged, result_array

from .support import ATOL, FRAMEWORKS, RTOL, EagerTensor, images

pytestmark = pytest.mark.question("denoising_mask")


def check(student, reference, x, seed):
    c = Call("denoising_mask", x, np.random.default_rng(seed))
    expected = reference.denoising_mask(x, np.random.default_rng(seed))
    return check_close(student.denoising_mask(x, np.random.default_rng(seed)), expected, c, rtol=RTOL, atol=ATOL)


@pytest.mark.points(3)
@pytest.mark.parametrize("shape", [(2, 4, 5), (3, 6, 6), (5, 2, 3)], ids=lambda s: "x".join(map(str, s)))
def test_grayscale_batch(student, reference, shape):
    """mask * (255 - images) with one mask rng.random(size=images.shape[1:]) for the batch (N, H, W)"""
    check(student, reference, images(shape, seed=sum(shape)), seed=7)


@pytest.mark.points(2)
def test_colour_batch(student, reference):
    """(N, H, W, C) batches: the mask has shape (H, W, C)"""
    check(student, reference, images((3, 4, 5, 3), seed=1), seed=8)


@pytest.mark.points(2)
def test_uint8_without_wraparound(student, reference):
    """uint8 images: 255 - images, never images - 255 (which wraps around on uint8)"""
    check(student, reference, images((2, 8, 8), seed=2), seed=9)


def test_float_images(student, reference):
    """float images in [0, 255]"""
    x = np.random.default_rng(3).uniform(0, 255, size=(3, 5, 4))
    check(student, reference, x, seed=10)


@pytest.mark.points(2)
def test_one_mask_shared_by_the_batch(student):
    """the same mask multiplies every image in the batch"""
    x = np.full((4, 3, 3), 55, dtype=np.uint8)
    c = Call("denoising_mask", x, np.random.default_rng(11))
    out = result_array(c(student), c).astype(np.float64)
    if out.shape != x.shape:
        raise AssertionError(f"{c} returned shape {out.shape}; expected {x.shape}")
    if not np.allclose(out, out[0:1], rtol=RTOL, atol=ATOL):
        raise AssertionError(f"{c}: identical images got different noise; draw ONE mask of shape images.shape[1:]")


def test_result_is_float(student):
    """the result is floating point (a uint8 result truncates the noise)"""
    x = images((2, 3, 3), seed=4)
    c = Call("denoising_mask", x, np.random.default_rng(12))
    out = result_array(c(student), c)
    if out.dtype.kind != "f":
        raise AssertionError(f"{c} returned values of type {out.dtype}; return float64")


def test_black_and_white_pixels(student, reference):
    """white pixels (255) get exactly 0 noise; black pixels (0) get 255 * mask"""
    x = np.array([[[0, 255], [255, 0]], [[255, 255], [0, 0]]], dtype=np.uint8)
    check(student, reference, x, seed=13)


def test_draws_exactly_one_mask(student):
    """rng is used for exactly one call rng.random(size=images.shape[1:])"""
    x = images((3, 4, 4), seed=5)
    rng = np.random.default_rng(14)
    _, after, _ = student.denoising_mask.call_and_inputs(x, rng)
    expected = np.random.default_rng(14)
    expected.random(size=x.shape[1:])
    state = after[1] if len(after) > 1 else None
    if not isinstance(state, RngState) or state.state != expected.bit_generator.state:
        raise AssertionError(f"{Call('denoising_mask', x, rng)} drew a different amount of random numbers than "
                             f"one rng.random(size=images.shape[1:])")


def test_nested_list_images(student, reference):
    """images given as a nested Python list of ints"""
    x = images((2, 3, 4), seed=16)
    c = Call("denoising_mask", x.tolist(), np.random.default_rng(17))
    check_close(c(student), reference.denoising_mask(x, np.random.default_rng(17)), c, rtol=RTOL, atol=ATOL)


def test_tensor_images(student, reference):
    """images given as eager TensorFlow and PyTorch uint8 tensors"""
    x = images((2, 3, 4), seed=18)
    for framework in FRAMEWORKS:
        c = Call("denoising_mask", EagerTensor(framework, x), np.random.default_rng(19))
        check_close(c(student), reference.denoising_mask(x, np.random.default_rng(19)), c, rtol=RTOL, atol=ATOL)


def test_does_not_modify_images(student, reference):
    """the images passed in are left unchanged (and the noise is right)"""
    c = Call("denoising_mask", images((2, 3, 3), seed=6), np.random.default_rng(15))
    check_correct_and_inputs_unchanged(student, reference, c, lambda a, e, call: check_close(
        a, e, call, rtol=RTOL, atol=ATOL))
