OK_FORMAT = False

import numpy as np
from otter.test_files import test_case

name = "fgsm_attack"


def mean_loss(model, images, labels):
    """Mean sparse categorical cross-entropy of the model's logits, computed in float64 NumPy."""
    z = np.asarray(model(np.asarray(images, dtype=np.float32)), dtype=np.float64)
    z = z - z.max(axis=1, keepdims=True)
    log_probs = z - np.log(np.exp(z).sum(axis=1, keepdims=True))
    return -np.mean(log_probs[np.arange(len(labels)), labels])


@test_case(points=1, hidden=False)
def test_every_pixel_moves_by_epsilon_and_the_loss_rises(fgsm_attack, make_classifier):
    """with pixels far from 0 and 1, each pixel moves by exactly epsilon, in the direction that increases the loss"""
    model = make_classifier("mlp", (5, 4, 1), 3, seed=0)
    images = np.random.default_rng(0).uniform(0.2, 0.8, size=(3, 5, 4, 1)).astype(np.float32)
    labels = np.array([0, 2, 1])
    adversarial = np.asarray(fgsm_attack(model, images, labels, 0.05), dtype=np.float64)
    assert adversarial.shape == images.shape, \
        f"fgsm_attack returned shape {adversarial.shape} for images of shape {images.shape}"
    step = np.abs(adversarial - images)
    assert np.allclose(step, 0.05, atol=1e-6), \
        f"with epsilon 0.05 every pixel should move by exactly 0.05 (epsilon times the SIGN of the gradient); " \
        f"the changes range from {step.min():.4g} to {step.max():.4g}"
    before, after = mean_loss(model, images, labels), mean_loss(model, adversarial, labels)
    assert after > before, f"the attack should increase the mean loss; it went from {before:.4f} to {after:.4f}"


@test_case(points=1, hidden=False)
def test_result_stays_in_the_image_range(fgsm_attack, make_classifier):
    """black and white pixels with epsilon 0.1: the result is clipped to [0, 1]"""
    model = make_classifier("cnn", (4, 4, 3), 3, seed=2)
    images = (np.indices((2, 4, 4, 3)).sum(axis=0) % 2).astype(np.float32)  # a checkerboard of 0 and 1
    adversarial = np.asarray(fgsm_attack(model, images, [0, 1], 0.1), dtype=np.float64)
    assert adversarial.shape == images.shape, \
        f"fgsm_attack returned shape {adversarial.shape} for images of shape {images.shape}"
    assert adversarial.min() >= 0 and adversarial.max() <= 1, \
        f"fgsm_attack returned values from {adversarial.min():.3g} to {adversarial.max():.3g}; clip to [0, 1]"


@test_case(points=1, hidden=False)
def test_epsilon_zero_and_negative_epsilon(fgsm_attack, make_classifier):
    """epsilon = 0 returns the images unchanged; a negative epsilon raises ValueError"""
    model = make_classifier("mlp", (3, 3, 1), 2, seed=3)
    images = np.random.default_rng(3).uniform(0, 1, size=(2, 3, 3, 1)).astype(np.float32)
    same = np.asarray(fgsm_attack(model, images, np.array([1, 0]), 0.0))
    assert same.shape == images.shape and np.array_equal(same, images), \
        "fgsm_attack(model, images, labels, 0.0) should return the images unchanged"
    try:
        fgsm_attack(model, images, np.array([1, 0]), -0.1)
    except ValueError:
        pass
    else:
        raise AssertionError("fgsm_attack(model, images, labels, -0.1) should raise ValueError")
