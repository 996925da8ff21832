"""The gradient of the batch's mean loss with respect to the images, against the reference on the
grader's own copy of the model (an MLP that ignores its last row and column, and a CNN)."""

import numpy as np
import pytest

from autograder.testing.checks import Call

from .support import (
    CNN,
    MLP,
    as_list,
    as_tf_tensor,
    batch,
    check_gradient_like,
    check_untouched,
    compare,
    expected,
    used_pixels,
)

pytestmark = pytest.mark.question("input_gradient")


@pytest.mark.points(2)
def test_mlp_batch(student, reference):
    """gradient of the mean sparse cross-entropy (from logits) over a batch of 4 images, MLP"""
    compare(student, reference, "input_gradient", MLP, 4, 1)


@pytest.mark.points(2)
def test_cnn_batch_with_labels_as_a_list(student, reference):
    """gradient over a batch of 3 colour images, CNN, labels given as a Python list"""
    compare(student, reference, "input_gradient", CNN, 3, 2, labels_as=as_list)


def test_single_image_with_int32_labels(student, reference):
    """a batch of one image, labels an int32 array"""
    compare(student, reference, "input_gradient", CNN, 1, 3, labels_as=lambda y: y.astype(np.int32))


def test_tensor_images_and_labels(student, reference):
    """images as a float32 tf.Tensor and labels as an int32 tf.Tensor"""
    compare(student, reference, "input_gradient", CNN, 2, 7, labels_as=as_tf_tensor, images_as=as_tf_tensor)


def test_ignored_pixels_have_zero_gradient(student, reference):
    """pixels the model never looks at (its last row and column) have a gradient of exactly 0"""
    out, c = compare(student, reference, "input_gradient", MLP, 2, 4)
    if np.any(out[:, ~used_pixels(MLP)] != 0):
        raise AssertionError(f"{c} returned non-zero gradients for pixels the model ignores (its last row and column)")


def test_inputs_and_weights_unchanged(student, reference):
    """images, labels and the model's weights are left unchanged (and the gradient is right)"""
    images, labels = batch(reference, MLP, 3, 6)
    check_untouched(student, Call("input_gradient", MLP, images, labels), check_gradient_like,
                    expected(reference, "input_gradient", MLP, 3, 6))
