OK_FORMAT = False

import numpy as np
from otter.test_files import test_case

name = "input_gradient"


def mean_loss(model, images, labels):
    """Mean sparse categorical cross-entropy of the model's logits, computed in float64 NumPy."""
    z = np.asarray(model(images.astype(np.float32)), dtype=np.float64)
    z = z - z.max(axis=1, keepdims=True)
    log_probs = z - np.log(np.exp(z).sum(axis=1, keepdims=True))
    return -np.mean(log_probs[np.arange(len(labels)), labels])


@test_case(points=1, hidden=False)
def test_gradient_has_the_shape_of_the_images(input_gradient, make_classifier):
    """a colour batch (2, 6, 5, 3) with labels as a list gives a finite float gradient of the same shape"""
    model = make_classifier("cnn", (6, 5, 3), 4, seed=1)
    images = np.random.default_rng(1).uniform(0, 1, size=(2, 6, 5, 3)).astype(np.float32)
    g = np.asarray(input_gradient(model, images, [1, 3]))
    assert g.shape == images.shape, f"input_gradient returned shape {g.shape} for images of shape {images.shape}"
    assert g.dtype.kind == "f" and np.isfinite(g).all(), f"input_gradient returned {g.dtype} values, some not finite"


@test_case(points=1, hidden=False)
def test_gradient_matches_finite_differences(input_gradient, make_classifier):
    """along a direction d, sum(gradient * d) is (L(x + h d) - L(x - h d)) / 2h for the MEAN loss L over the batch"""
    model = make_classifier("mlp", (5, 4, 1), 3, seed=0)
    images = np.random.default_rng(0).uniform(0.2, 0.8, size=(3, 5, 4, 1)).astype(np.float32)
    labels = np.array([0, 2, 1])
    g = np.asarray(input_gradient(model, images, labels), dtype=np.float64)
    assert g.shape == images.shape, f"input_gradient returned shape {g.shape} for images of shape {images.shape}"
    h = 1e-2
    for seed in (1, 2):
        d = np.random.default_rng(seed).choice([-1.0, 1.0], size=images.shape)
        slope = (mean_loss(model, images + h * d, labels) - mean_loss(model, images - h * d, labels)) / (2 * h)
        assert np.isclose(np.sum(g * d), slope, rtol=0.02, atol=1e-4), \
            f"sum(gradient * d) is {np.sum(g * d):.5f}, but the mean loss changes at the rate {slope:.5f} along d " \
            f"(check the sign, the labels, and that the loss is the mean over the batch from logits)"
