OK_FORMAT = False

import numpy as np
from otter.test_files import test_case

name = "vae_sample"


@test_case(points=1, hidden=False)
def test_given_epsilon_by_hand(vae_sample):
    """z = z_mean + exp(0.5 * z_log_var) * epsilon (the standard deviation is exp(0.5 * log_var))"""
    z = np.asarray(vae_sample(np.array([0.0, 1.0]), np.array([0.0, np.log(4.0)]), np.array([1.0, 1.0])), dtype=float)
    assert z.shape == (2,), f"vae_sample returned shape {z.shape} for (2,) inputs"
    assert np.allclose(z, [1.0, 3.0], rtol=1e-6), \
        f"vae_sample([0, 1], [0, log 4], epsilon=[1, 1]) should be [0 + 1*1, 1 + 2*1] = [1, 3] " \
        f"(exp(0.5 * log 4) = 2); got {z.tolist()}"


@test_case(points=1, hidden=False)
def test_zero_epsilon_gives_the_mean(vae_sample):
    """a (B, D) batch with epsilon = 0 returns z_mean"""
    mean = np.array([[0.5, -1.0, 2.0], [3.0, 0.0, -0.25]])
    log_var = np.array([[0.3, -1.0, 2.0], [0.0, 1.0, -3.0]])
    z = np.asarray(vae_sample(mean, log_var, np.zeros((2, 3))), dtype=float)
    assert z.shape == (2, 3), f"vae_sample returned shape {z.shape} for (2, 3) inputs"
    assert np.allclose(z, mean, rtol=1e-6), f"with epsilon = 0, vae_sample should return z_mean {mean.tolist()}; got {z.tolist()}"


@test_case(points=1, hidden=False)
def test_noise_comes_from_rng(vae_sample):
    """without epsilon, the noise is drawn from rng: same seed, same sample; another seed, another sample"""
    mean, log_var = np.zeros((3, 2)), np.zeros((3, 2))
    a = np.asarray(vae_sample(mean, log_var, rng=np.random.default_rng(5)), dtype=float)
    b = np.asarray(vae_sample(mean, log_var, rng=np.random.default_rng(5)), dtype=float)
    c = np.asarray(vae_sample(mean, log_var, rng=np.random.default_rng(6)), dtype=float)
    assert a.shape == (3, 2), f"vae_sample(zeros((3, 2)), zeros((3, 2)), rng=rng) returned shape {a.shape}; expected (3, 2)"
    assert np.array_equal(a, b), "two calls with np.random.default_rng(5) gave different samples; draw epsilon only from rng"
    assert not np.array_equal(a, c), "seeds 5 and 6 gave the same sample; draw epsilon from the rng you are given"


@test_case(points=1, hidden=False)
def test_single_vector_without_rng(vae_sample):
    """(D,) inputs with neither epsilon nor rng give a finite (D,) sample"""
    z = np.asarray(vae_sample(np.zeros(4), np.zeros(4)), dtype=float)
    assert z.shape == (4,), f"vae_sample(zeros(4), zeros(4)) returned shape {z.shape}; expected (4,)"
    assert np.isfinite(z).all(), f"vae_sample(zeros(4), zeros(4)) returned non-finite values {z.tolist()}"
