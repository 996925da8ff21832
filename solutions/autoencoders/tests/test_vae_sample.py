"""With ``epsilon`` given, the result is exact. Without it, the noise is graded by distribution:
20,000 rows from a fixed seed, standardised; mean, variance, independence and a KS test, with a
total false-failure probability below 1e-6 (see autograder/testing/stats.py)."""

import numpy as np
import pytest

from autograder.testing.checks import Call, check_close, check_correct_and_inputs_unchanged, result_array
from autograder.testing.stats import check_standard_normal

from .support import ATOL, FRAMEWORKS, LOG4, RTOL, EagerTensor, latent

pytestmark = pytest.mark.question("vae_sample")

N_ROWS = 20_000


def check(student, reference, *args, **kwargs):
    c = Call("vae_sample", *args, **kwargs)
    return check_close(c(student), c(reference), c, rtol=RTOL, atol=ATOL)


@pytest.mark.points(3)
def test_reparameterisation_with_given_epsilon(student, reference):
    """z = z_mean + exp(0.5 * z_log_var) * epsilon (note the 0.5)"""
    check(student, reference, np.array([0.5, -1.0, 2.0]), np.array([LOG4, 0.0, -2.0]), np.array([1.0, 2.0, -0.5]))


@pytest.mark.points(2)
def test_batch_with_given_epsilon(student, reference):
    """(B, D) inputs with a given epsilon"""
    mu, lv = latent((5, 4), seed=1)
    check(student, reference, mu, lv, np.random.default_rng(2).normal(size=(5, 4)))


def test_epsilon_as_keyword(student, reference):
    """epsilon passed by keyword"""
    mu, lv = latent((3, 2), seed=3)
    check(student, reference, mu, lv, epsilon=np.random.default_rng(4).normal(size=(3, 2)))


def test_extreme_log_variance(student, reference):
    """very negative and large log-variances"""
    check(student, reference, np.array([1.0, -2.0, 0.0]), np.array([-50.0, 20.0, 5.0]), np.array([0.3, -0.7, 1.1]))


def test_float32_inputs(student, reference):
    """float32 inputs"""
    mu, lv = latent((4, 3), seed=5)
    c = Call("vae_sample", mu.astype(np.float32), lv.astype(np.float32), np.ones((4, 3), np.float32))
    check_close(c(student), c(reference), c, rtol=1e-5, atol=1e-6)


@pytest.mark.points(3)
def test_drawn_noise_is_standard_normal(student):
    """without epsilon, the noise drawn from rng is independent standard normal noise"""
    mu = np.tile([0.5, -1.0, 2.0], (N_ROWS, 1))
    lv = np.tile([LOG4, 0.0, -2.0], (N_ROWS, 1))
    c = Call("vae_sample", mu, lv, rng=np.random.default_rng(5))
    z = result_array(c(student), c).astype(np.float64)
    if z.shape != mu.shape:
        raise AssertionError(f"{c} returned shape {z.shape}; expected {mu.shape}")
    check_standard_normal((z - mu) / np.exp(0.5 * lv), str(c))


@pytest.mark.points(2)
def test_same_seed_same_sample(student):
    """the same rng seed gives the same sample, another seed another one (randomness only from rng)"""
    mu, lv = latent((6, 3), seed=6)
    c = Call("vae_sample", mu, lv, rng=np.random.default_rng(7))
    a = result_array(c(student), c)
    b = result_array(student.vae_sample(mu, lv, rng=np.random.default_rng(7)), c)
    d = result_array(student.vae_sample(mu, lv, rng=np.random.default_rng(8)), c)
    if a.shape != mu.shape:
        raise AssertionError(f"{c} returned shape {a.shape}; expected {mu.shape}")
    if not np.array_equal(a, b):
        raise AssertionError(f"{c}: two calls with the same seed gave different samples; draw only from rng")
    if np.array_equal(a, d):
        raise AssertionError(f"{c}: two different seeds gave the same sample; draw from the rng you are given")


def test_without_rng(student):
    """with neither epsilon nor rng, a fresh generator is used: right shape, a new sample each call"""
    mu, lv = latent((2, 5), seed=9)
    c = Call("vae_sample", mu, lv)
    a = result_array(c(student), c)
    b = result_array(c(student), c)
    if a.shape != mu.shape or not np.isfinite(a).all():
        raise AssertionError(f"{c} returned shape {a.shape}; expected a finite array of shape {mu.shape}")
    if np.array_equal(a, b):
        raise AssertionError(f"{c} returned the same sample twice; without rng, use np.random.default_rng()")


def test_single_vector_shape(student):
    """(D,) inputs without epsilon give a (D,) sample"""
    c = Call("vae_sample", np.zeros(4), np.zeros(4), rng=np.random.default_rng(10))
    z = result_array(c(student), c)
    if z.shape != (4,):
        raise AssertionError(f"{c} returned shape {z.shape}; expected (4,)")


def test_broadcast_shape_without_epsilon(student):
    """without epsilon, the noise has the broadcast shape of z_mean and z_log_var ((D,) with (B, D) gives (B, D))"""
    rows, dim = 40, 3
    for mu, lv in ((np.zeros(dim), np.full((rows, dim), LOG4)), (np.zeros((rows, dim)), np.full(dim, LOG4))):
        c = Call("vae_sample", mu, lv, rng=np.random.default_rng(12))
        z = result_array(c(student), c).astype(np.float64)
        if z.shape != (rows, dim) or not np.isfinite(z).all():
            raise AssertionError(f"{c} returned shape {z.shape}; expected a finite array of shape {(rows, dim)}")
        if len({tuple(row) for row in z}) < rows:
            raise AssertionError(f"{c}: rows of the sample repeat; draw noise of the broadcast shape {(rows, dim)}")


def test_python_list_inputs(student, reference):
    """z_mean, z_log_var and epsilon given as Python lists"""
    mu, lv = latent((3, 2), seed=13)
    eps = np.random.default_rng(14).normal(size=(3, 2))
    c = Call("vae_sample", mu.tolist(), lv.tolist(), eps.tolist())
    check_close(c(student), reference.vae_sample(mu, lv, eps), c, rtol=RTOL, atol=ATOL)


def test_tensor_inputs(student, reference):
    """z_mean, z_log_var and epsilon given as eager TensorFlow and PyTorch float32 tensors"""
    mu, lv = (a.astype(np.float32) for a in latent((3, 2), seed=15))
    eps = np.random.default_rng(16).normal(size=(3, 2)).astype(np.float32)
    for framework in FRAMEWORKS:
        c = Call("vae_sample", *(EagerTensor(framework, a) for a in (mu, lv, eps)))
        check_close(c(student), reference.vae_sample(mu, lv, eps), c, rtol=1e-5, atol=1e-6)


def test_does_not_modify_inputs(student, reference):
    """z_mean, z_log_var and epsilon are left unchanged (and the sample is right)"""
    mu, lv = latent((3, 2), seed=11)
    check_correct_and_inputs_unchanged(student, reference, Call("vae_sample", mu, lv, np.ones((3, 2))),
                                       lambda a, e, call: check_close(a, e, call, rtol=RTOL, atol=ATOL))
