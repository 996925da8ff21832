"""Saliency maps (Simonyan et al. 2014): max over channels of |d logit[label] / d image|, against the
reference on the grader's own copy of the model."""

import numpy as np
import pytest

from autograder.testing.checks import Call, result_array

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

pytestmark = pytest.mark.question("saliency_map")


@pytest.mark.points(2)
def test_mlp_batch(student, reference):
    """max over the 2 channels of |gradient of each image's label logit|, 4 images, MLP"""
    compare(student, reference, "saliency_map", MLP, 4, 1)


@pytest.mark.points(2)
def test_cnn_colour_batch_with_labels_as_a_list(student, reference):
    """3 colour images, CNN, labels given as a Python list"""
    compare(student, reference, "saliency_map", CNN, 3, 2, labels_as=as_list)


def test_shape_and_non_negative(student, reference):
    """the map has shape (B, H, W) and no negative value"""
    images, labels = batch(reference, CNN, 2, 3)
    c = Call("saliency_map", CNN, images, labels)
    out = result_array(c(student), c)
    if out.shape != images.shape[:3]:
        raise AssertionError(f"{c} returned shape {out.shape}; expected (B, H, W) = {images.shape[:3]}")
    if np.any(out < 0):
        raise AssertionError(f"{c} returned negative values (the smallest is {out.min():.3g}); "
                             f"a saliency map is an absolute value")
    check_gradient_like(out, expected(reference, "saliency_map", CNN, 2, 3), c)


def test_tensor_images_and_labels(student, reference):
    """images as a float32 tf.Tensor and labels as an int32 tf.Tensor"""
    compare(student, reference, "saliency_map", CNN, 2, 7, labels_as=as_tf_tensor, images_as=as_tf_tensor)


def test_ignored_pixels_have_zero_saliency(student, reference):
    """pixels the model never looks at (its last row and column) have saliency exactly 0"""
    out, c = compare(student, reference, "saliency_map", MLP, 2, 4)
    if np.any(out[:, ~used_pixels(MLP)[..., 0]] != 0):
        raise AssertionError(f"{c} returned non-zero saliency for pixels the model ignores")


def test_inputs_and_weights_unchanged(student, reference):
    """images, labels and the model's weights are left unchanged (and the map is right)"""
    images, labels = batch(reference, MLP, 3, 6)
    check_untouched(student, Call("saliency_map", MLP, images, labels), check_gradient_like,
                    expected(reference, "saliency_map", MLP, 3, 6))
