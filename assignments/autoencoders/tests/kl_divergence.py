OK_FORMAT = False

import numpy as np
from otter.test_files import test_case

name = "kl_divergence"


@test_case(points=1, hidden=False)
def test_standard_normal_gives_zero_per_sample(kl_divergence):
    """z_mean = 0 and z_log_var = 0 (the prior itself) give 0 for every sample, shape (B,)"""
    kl = np.asarray(kl_divergence(np.zeros((3, 2)), np.zeros((3, 2))), dtype=float)
    assert kl.shape == (3,), f"kl_divergence of (3, 2) inputs returned shape {kl.shape}; expected (B,) = (3,)"
    assert np.allclose(kl, 0.0, atol=1e-9), f"kl_divergence(zeros, zeros) should be [0, 0, 0]; got {kl.tolist()}"


@test_case(points=1, hidden=False)
def test_two_samples_by_hand(kl_divergence):
    """-0.5 * sum(1 + z_log_var - z_mean**2 - exp(z_log_var), axis=-1)"""
    mean = np.array([[1.0, 0.0], [0.0, 0.0]])
    log_var = np.array([[0.0, 0.0], [0.0, np.log(2.0)]])
    kl = np.asarray(kl_divergence(mean, log_var), dtype=float)
    expected = [0.5, 0.5 * (1 - np.log(2.0))]  # -0.5*(1 + 0 - 1 - 1) and -0.5*(1 + log 2 - 0 - 2)
    assert kl.shape == (2,), f"kl_divergence of (2, 2) inputs returned shape {kl.shape}; expected (2,)"
    assert np.allclose(kl, expected, rtol=1e-6), \
        f"kl_divergence([[1, 0], [0, 0]], [[0, 0], [0, log 2]]) should be {np.round(expected, 6).tolist()} " \
        f"(summed, not averaged, over the latent axis); got {kl.tolist()}"


@test_case(points=1, hidden=False)
def test_single_vector_gives_one_number(kl_divergence):
    """a single latent vector (D,) gives one number"""
    kl = np.asarray(kl_divergence(np.array([1.0, 1.0, 0.0]), np.zeros(3)), dtype=float)
    assert kl.size == 1 and kl.ndim == 0, f"kl_divergence of (3,) inputs returned shape {kl.shape}; expected a scalar"
    assert np.isclose(float(kl), 1.0, rtol=1e-6), f"kl_divergence([1, 1, 0], [0, 0, 0]) should be 1.0; got {float(kl)}"
