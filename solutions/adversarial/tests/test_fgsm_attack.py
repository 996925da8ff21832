"""One FGSM step, clip(images + epsilon * sign(gradient), 0, 1), against the reference on the grader's
own copy of the model. The images are chosen so that no gradient component used here is near 0
(margin in support.py): the signs are the same for every correct float32 implementation."""

import numpy as np
import pytest

from autograder.testing.checks import Call, check_raises, result_array

from .support import (
    CNN,
    FGSM_CLIPPED,
    FGSM_CNN,
    FGSM_IGNORED,
    FGSM_MLP,
    FGSM_TENSORS,
    FGSM_UNCHANGED,
    MLP,
    as_list,
    as_tf_tensor,
    batch,
    check_step,
    check_untouched,
    expected,
    used_pixels,
)

pytestmark = pytest.mark.question("fgsm_attack")


def step_call(reference, case, labels_as=None, images_as=None):
    spec, size, seed, epsilon = case
    images, labels = batch(reference, spec, size, seed)
    call = Call("fgsm_attack", spec, images if images_as is None else images_as(images),
                labels if labels_as is None else labels_as(labels), epsilon)
    return call, expected(reference, "fgsm_attack", spec, size, seed, epsilon)


@pytest.mark.points(2)
def test_mlp_step(student, reference):
    """clip(images + epsilon * sign(gradient of the mean loss), 0, 1) for 4 images, MLP, epsilon 0.1"""
    c, want = step_call(reference, FGSM_MLP)
    check_step(c(student), want, c)


@pytest.mark.points(2)
def test_cnn_step_with_labels_as_a_list(student, reference):
    """one step on 3 colour images, CNN, epsilon 0.05, labels given as a Python list"""
    c, want = step_call(reference, FGSM_CNN, labels_as=as_list)
    check_step(c(student), want, c)


def test_tensor_images_and_labels(student, reference):
    """images as a float32 tf.Tensor and labels as an int32 tf.Tensor"""
    c, want = step_call(reference, FGSM_TENSORS, labels_as=as_tf_tensor, images_as=as_tf_tensor)
    check_step(c(student), want, c)


def test_result_clipped_to_unit_range(student, reference):
    """pixels near 0 and 1 with a large epsilon (0.3): the result is clipped to [0, 1]"""
    c, want = step_call(reference, FGSM_CLIPPED)
    out = result_array(c(student), c)
    if out.shape == want.shape and (out.min() < 0 or out.max() > 1):
        raise AssertionError(f"{c} returned values from {out.min():.3g} to {out.max():.3g}; "
                             f"clip the result to the image range [0, 1]")
    check_step(out, want, c)


def test_ignored_pixels_unchanged(student, reference):
    """pixels whose gradient is exactly 0 (the model ignores them) are unchanged: sign(0) = 0"""
    c, want = step_call(reference, FGSM_IGNORED)
    out = check_step(c(student), want, c)
    ignored = ~used_pixels(FGSM_IGNORED[0])
    if not np.array_equal(out[:, ignored], c.args[1][:, ignored]):
        raise AssertionError(f"{c} changed pixels whose gradient is exactly 0; sign(0) is 0, so they stay")


def test_epsilon_zero_returns_the_images(student, reference):
    """epsilon = 0 returns the images unchanged, as floats"""
    images, labels = batch(reference, CNN, 2, 3)
    c = Call("fgsm_attack", CNN, images, labels, 0.0)
    out = result_array(c(student), c)
    if out.dtype.kind != "f" or out.shape != images.shape or not np.array_equal(out, images):
        raise AssertionError(f"{c} returned {out.dtype} values of shape {out.shape} that differ from the images; "
                             f"with epsilon 0 the images come back unchanged")


def test_negative_epsilon_raises_value_error(student, reference):
    """epsilon < 0 raises ValueError"""
    images, labels = batch(reference, MLP, 2, 4)
    check_raises(student, "ValueError", Call("fgsm_attack", MLP, images, labels, -0.1))


def test_inputs_and_weights_unchanged(student, reference):
    """images, labels and the model's weights are left unchanged (and the step is right)"""
    c, want = step_call(reference, FGSM_UNCHANGED)
    check_untouched(student, c, check_step, want)
