OK_FORMAT = False

import numpy as np
from otter.test_files import test_case

name = "Sampler"


@test_case(points=1, hidden=False)
def test_tiny_variance_gives_the_mean(Sampler):
    """with z_log_var = -40 (a standard deviation of 2e-9), z is z_mean, with the shape of z_mean"""
    mean = np.array([[0.5, -1.0, 2.0], [3.0, 0.0, -0.25]], np.float32)
    z = np.asarray(Sampler(seed=1)(mean, np.full((2, 3), -40.0, np.float32)), dtype=float)
    assert z.shape == (2, 3), f"Sampler(seed=1)(z_mean, z_log_var) returned shape {z.shape} for z_mean of shape (2, 3)"
    assert np.allclose(z, mean, atol=1e-6), f"with z_log_var = -40, z should be z_mean {mean.tolist()}; got {z.tolist()}"


@test_case(points=1, hidden=False)
def test_standard_deviation_is_exp_half_log_var(Sampler):
    """with z_log_var = log 4 (variance 4), z - z_mean has standard deviation 2, not 4"""
    log_var = np.full((4000, 2), np.log(4.0), np.float32)
    z = np.asarray(Sampler(seed=2)(np.zeros((4000, 2), np.float32), log_var), dtype=float)
    assert z.shape == (4000, 2), f"Sampler(seed=2) returned shape {z.shape} for z_mean of shape (4000, 2)"
    sd = z.std(axis=0)
    assert np.all(np.abs(sd - 2.0) < 0.2), \
        f"the standard deviation of z should be exp(0.5 * log 4) = 2; measured {sd.round(3).tolist()}"
    assert np.all(np.abs(z.mean(axis=0)) < 0.2), f"the mean of z should be 0; measured {z.mean(axis=0).round(3).tolist()}"


@test_case(points=1, hidden=False)
def test_seeded_and_fresh_noise(Sampler):
    """two layers with seed 3 give the same z; a second call of one layer gives a new z"""
    mean, log_var = np.zeros((3, 2), np.float32), np.zeros((3, 2), np.float32)
    a, b = Sampler(seed=3), Sampler(seed=3)
    first_a, first_b = np.asarray(a(mean, log_var)), np.asarray(b(mean, log_var))
    assert first_a.shape == (3, 2), f"Sampler(seed=3) returned shape {first_a.shape} for z_mean of shape (3, 2)"
    assert np.array_equal(first_a, first_b), \
        "two layers built with seed=3 gave different z; draw epsilon with keras.random.normal(..., seed=self.seed_generator)"
    assert not np.array_equal(first_a, np.asarray(a(mean, log_var))), \
        "two calls of one layer gave the same z; the seed generator must give new noise at every call"
