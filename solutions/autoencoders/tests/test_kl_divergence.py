import numpy as np
import pytest

from autograder.testing.checks import Call, check_close, check_correct_and_inputs_unchanged, check_scalar_close

from .support import ATOL, FLOAT32_RTOL, FRAMEWORKS, LOG4, RTOL, EagerTensor, latent

pytestmark = pytest.mark.question("kl_divergence")


def check(student, reference, *args, rtol=RTOL):
    c = Call("kl_divergence", *args)
    return check_close(c(student), c(reference), c, rtol=rtol, atol=ATOL)


@pytest.mark.points(3)
@pytest.mark.parametrize("shape", [(4, 3), (1, 5), (6, 2)], ids=lambda s: "x".join(map(str, s)))
def test_per_sample_kl_of_a_batch(student, reference, shape):
    """-0.5 * sum(1 + log_var - mean^2 - exp(log_var)) over the latent axis: shape (B,)"""
    check(student, reference, *latent(shape, seed=sum(shape)))


@pytest.mark.points(2)
def test_single_vector_gives_a_scalar(student, reference):
    """(D,) inputs give a single number"""
    mu, lv = np.array([0.5, -1.0, 2.0]), np.array([LOG4, 0.0, -2.0])
    c = Call("kl_divergence", mu, lv)
    check_scalar_close(c(student), float(reference.kl_divergence(mu, lv)), c, rtol=RTOL, atol=ATOL)


def test_standard_normal_has_zero_kl(student):
    """N(0, I) has KL divergence 0 from itself"""
    c = Call("kl_divergence", np.zeros((2, 3)), np.zeros((2, 3)))
    check_close(c(student), np.zeros(2), c, rtol=0, atol=1e-12)


def test_known_value(student):
    """mean 1, log-variance 0 gives 0.5 per dimension"""
    c = Call("kl_divergence", np.ones((1, 4)), np.zeros((1, 4)))
    check_close(c(student), np.array([2.0]), c, rtol=RTOL, atol=ATOL)


def test_float32_inputs(student, reference):
    """float32 inputs"""
    mu, lv = latent((3, 4), seed=1)
    check(student, reference, mu.astype(np.float32), lv.astype(np.float32), rtol=FLOAT32_RTOL)


def test_python_list_inputs(student, reference):
    """z_mean and z_log_var given as Python lists"""
    mu, lv = latent((3, 2), seed=3)
    c = Call("kl_divergence", mu.tolist(), lv.tolist())
    check_close(c(student), reference.kl_divergence(mu, lv), c, rtol=RTOL, atol=ATOL)


def test_tensor_inputs(student, reference):
    """z_mean and z_log_var given as eager TensorFlow and PyTorch float32 tensors"""
    mu, lv = (a.astype(np.float32) for a in latent((3, 2), seed=4))
    for framework in FRAMEWORKS:
        c = Call("kl_divergence", EagerTensor(framework, mu), EagerTensor(framework, lv))
        check_close(c(student), reference.kl_divergence(mu, lv), c, rtol=FLOAT32_RTOL, atol=ATOL)


def test_does_not_modify_inputs(student, reference):
    """z_mean and z_log_var are left unchanged (and the divergence is right)"""
    check_correct_and_inputs_unchanged(student, reference, Call("kl_divergence", *latent((3, 2), seed=2)),
                                       lambda a, e, call: check_close(a, e, call, rtol=RTOL, atol=ATOL))
