"""The keras-io VAE loss against the reference (NumPy, float64; tests/test_keras_autoencoders_oracle.py checks
it against Keras's own binary_crossentropy): mean over the batch of the per-image sum of binary cross-entropy,
plus the mean over the batch of the KL divergence summed over the latent axis. Reconstructions stay inside
[1e-3, 1 - 1e-3]."""

import numpy as np
import pytest

from autograder.testing.checks import Call, check_correct_and_inputs_unchanged, check_scalar_close

from .support import LOSS_ATOL, LOSS_RTOL, vae_batch

pytestmark = pytest.mark.question("vae_loss")


def check(student, reference, *args):
    c = Call("vae_loss", *args)
    return check_scalar_close(c(student), c(reference), c, rtol=LOSS_RTOL, atol=LOSS_ATOL)


def check_loss(actual, expected, call):
    return check_scalar_close(actual, expected, call, rtol=LOSS_RTOL, atol=LOSS_ATOL)


@pytest.mark.points(2)
def test_keras_io_loss_on_a_batch(student, reference):
    """a batch of 4 images 6 x 5 with a 3-dimensional latent space"""
    check(student, reference, *vae_batch(4, 6, 5, 3, seed=1))


def test_binary_images(student, reference):
    """black-and-white images (0 and 1, as binarised MNIST), a 2-dimensional latent space"""
    check(student, reference, *vae_batch(3, 7, 4, 2, seed=2, binary=True))


def test_reconstruction_term(student, reference):
    """z_mean = 0 and z_log_var = 0 (no KL term): the reconstruction term alone, 5 images 4 x 8"""
    images, recon, mean, _ = vae_batch(5, 4, 8, 3, seed=3)
    check(student, reference, images, recon, np.zeros_like(mean), np.zeros_like(mean))


def test_kl_term(student, reference):
    """images and reconstructions all 0.5 (a known reconstruction term): the KL term of 6 codes of size 4"""
    _, _, mean, log_var = vae_batch(6, 3, 3, 4, seed=4)
    half = np.full((6, 3, 3, 1), 0.5)
    check(student, reference, half, half, mean, log_var)


def test_float32_inputs_and_a_larger_latent_space(student, reference):
    """float32 inputs, 2 images 12 x 9, a 16-dimensional latent space"""
    check(student, reference, *(a.astype(np.float32) for a in vae_batch(2, 12, 9, 16, seed=5)))


def test_nested_lists_and_a_batch_of_one(student, reference):
    """inputs given as nested Python lists, a batch of one image"""
    check(student, reference, *(a.tolist() for a in vae_batch(1, 3, 4, 2, seed=6)))


def test_inputs_unchanged(student, reference):
    """images, reconstructions, z_mean and z_log_var are left unchanged (and the loss is right)"""
    check_correct_and_inputs_unchanged(student, reference, Call("vae_loss", *vae_batch(3, 4, 4, 3, seed=7)),
                                       check_loss)
