"""The Sampler layer through its handle. Its draws are graded exactly against the grader's own reference
layer (the reference solution's ``Sampler``, built in the grader with the same seed and called with the same
shapes in the same order: one ``keras.random.normal(shape of z_mean, seed=self.seed_generator)`` per call),
then by distribution: 20,000 rows standardised with ``exp(0.5 * z_log_var)``, mean, variance, independence
and a KS test, with a false-failure probability below 1e-6 (autograder/testing/stats.py)."""

import numpy as np
import pytest

from autograder.testing.checks import check_close, result_array
from autograder.testing.remote import inspect
from autograder.testing.stats import check_standard_normal

from .support import LOG4, Z_ATOL, Z_RTOL, latent, reference_draws

pytestmark = pytest.mark.question("Sampler")

N_ROWS = 20_000
SHAPES = ((4, 3), (4, 3), (2, 5), (1, 7))
ORDINAL = ("first", "second", "third", "fourth")


def draws(student, seed, calls):
    layer = student.Sampler(seed=seed)
    return [result_array(layer(mean, log_var), f"Sampler(seed={seed})(z_mean, z_log_var)") for mean, log_var in calls]


@pytest.mark.points(3)
def test_same_draws_as_a_reference_layer_with_the_same_seed(student, reference):
    """Sampler(seed=11) called four times gives exactly the reference layer's outputs (one draw per call)"""
    calls = [latent(shape, seed=30 + i) for i, shape in enumerate(SHAPES)]
    got = draws(student, 11, calls)
    for i, (out, want, (mean, _)) in enumerate(zip(got, reference_draws(reference, 11, calls), calls)):
        what = (f"Sampler(seed=11), {ORDINAL[i]} call (z_mean and z_log_var of shape {mean.shape}, the calls "
                f"before it of shapes {[s for s in SHAPES[:i]]})")
        if out.shape != mean.shape:
            raise AssertionError(f"{what} returned shape {out.shape}; z has the shape of z_mean")
        try:
            check_close(out, want, what, rtol=Z_RTOL, atol=Z_ATOL)
        except AssertionError as exc:
            raise AssertionError(f"{exc}. A layer with the same seed must give the same outputs: z = z_mean + "
                                 f"exp(0.5 * z_log_var) * epsilon with ONE keras.random.normal(shape of z_mean, "
                                 f"seed=self.seed_generator) per call") from None


@pytest.mark.points(2)
def test_noise_is_standard_normal_over_20000_rows(student):
    """(z - z_mean) / exp(0.5 * z_log_var) over 20,000 rows is independent standard normal noise"""
    mean = np.tile(np.array([0.5, -1.0, 2.0], np.float32), (N_ROWS, 1))
    log_var = np.tile(np.array([LOG4, 0.0, -2.0], np.float32), (N_ROWS, 1))
    what = f"Sampler(seed=5)(z_mean, z_log_var) on {N_ROWS} rows"
    z = result_array(student.Sampler(seed=5)(mean, log_var), what).astype(np.float64)
    if z.shape != mean.shape:
        raise AssertionError(f"{what} returned shape {z.shape}; expected {mean.shape}")
    check_standard_normal((z - mean) / np.exp(0.5 * log_var.astype(np.float64)), what, rows=N_ROWS)


def test_fresh_noise_per_call_per_row_and_per_seed(student):
    """successive calls of one layer differ, every row gets its own noise, and seeds 21 and 22 differ"""
    mean, log_var = np.zeros((6, 4), np.float32), np.zeros((6, 4), np.float32)
    first, second = draws(student, 21, [(mean, log_var), (mean, log_var)])
    other, = draws(student, 22, [(mean, log_var)])
    if first.shape != mean.shape:
        raise AssertionError(f"Sampler(seed=21) returned shape {first.shape} for z_mean of shape {mean.shape}")
    if np.array_equal(first, second):
        raise AssertionError("two successive calls of one Sampler(seed=21) returned the same z; draw new noise "
                             "at every call from the layer's seed generator")
    if any(np.array_equal(first[i], first[j]) for i in range(6) for j in range(i)):
        raise AssertionError("Sampler(seed=21) gave two rows of a batch the same noise; epsilon has the shape "
                             "of z_mean (B, D)")
    if np.array_equal(first, other):
        raise AssertionError("Sampler(seed=21) and Sampler(seed=22) returned the same z; build the seed "
                             "generator from the seed argument")


def test_default_seed(student):
    """Sampler() without a seed works and two such layers draw different noise"""
    mean, log_var = latent((3, 2), seed=40)
    outs = []
    for _ in range(2):
        out = result_array(student.Sampler()(mean, log_var), "Sampler()(z_mean, z_log_var)")
        if out.shape != mean.shape or not np.all(np.isfinite(out)):
            raise AssertionError(f"Sampler()(z_mean, z_log_var) returned shape {out.shape}; expected a finite "
                                 f"array of shape {mean.shape}")
        outs.append(out)
    if np.array_equal(*outs):
        raise AssertionError("two layers Sampler() built without a seed returned the same z")


def test_is_a_keras_layer(student):
    """Sampler is a keras.layers.Layer subclass"""
    names = inspect(student.Sampler(seed=1), "type_names")
    if "keras.src.layers.layer.Layer" not in names:
        raise AssertionError(f"Sampler(seed=1) is a {names[0]}, not a keras.layers.Layer: write "
                             f"class Sampler(keras.layers.Layer)")
