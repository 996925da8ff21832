"""Inputs, tolerances and the grader's own computations for the keras_autoencoders hidden tests.

The autoencoder and the Sampler the student's code returns stay in the sandbox (``Handle``); what they say
about themselves (layers, weights, ``count_params``) could be a lie, so the tests that carry most points
recompute the behaviour here: the forward pass in NumPy from the model's weights, compared with
``model.predict`` on the grader's inputs, and the Sampler's draws against the grader's own reference layer.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from autograder.testing.remote import inspect

LOG4 = float(np.log(4.0))  # a non-zero log-variance: exp(log_var) and exp(0.5 * log_var) differ

# Autoencoder sizes: non-square images (a Reshape to (w, h, 1) changes the output shape) and a hidden layer
# whose size differs from h * w (so each weight's role follows from its shape).
SMALL = (5, 6, 4)
OTHER = (7, 3, 9)
LECTURE = (80, 80, 400)
LECTURE_PARAMS = 5_126_800
# Forward pass: outputs are 255 * sigmoid(...) in float32; implementations differ by rounding, ~1e-5.
OUT_ATOL = 2e-3
OUT_RTOL = 1e-5
# Sampler outputs: the same float32 draws, combined with float32 rounding.
Z_RTOL = 1e-5
Z_ATOL = 1e-6
LOSS_RTOL = 1e-5  # float32 implementations of the VAE loss stay within this
LOSS_ATOL = 1e-6


def build_call(h: int, w: int, hidden: int) -> str:
    return f"build_dense_autoencoder({h}, {w}, {hidden})"


def pixels(shape: tuple[int, ...], seed: int) -> np.ndarray:
    """float32 images in [0, 255] with black (0) and white (255) pixels."""
    x = np.random.default_rng(seed).uniform(0.0, 255.0, size=shape).astype(np.float32)
    flat = x.reshape(-1)
    flat[:3], flat[-3:] = 0.0, 255.0
    return x


def dense_params(h: int, w: int, hidden: int) -> int:
    return 2 * h * w * hidden + hidden + h * w


def weight_roles(shapes: list, h: int, w: int, hidden: int, call: str) -> dict[str, int]:
    """Index of each of the four weights (kernel1, bias1, kernel2, bias2) among the model's weights, by shape."""
    want = {"kernel1": [h * w, hidden], "bias1": [hidden], "kernel2": [hidden, h * w], "bias2": [h * w]}
    shapes = [list(s) for s in shapes]
    if sorted(map(tuple, shapes)) != sorted(map(tuple, want.values())):
        raise AssertionError(f"{call} has weights of shapes {[tuple(s) for s in shapes]}; two Dense layers with "
                             f"biases have exactly a ({h * w}, {hidden}) kernel, a ({hidden},) bias, a "
                             f"({hidden}, {h * w}) kernel and a ({h * w},) bias")
    return {role: shapes.index(shape) for role, shape in want.items()}


def forward(images: np.ndarray, weights: list, roles: dict[str, int]) -> np.ndarray:
    """The lecture's autoencoder computed in NumPy (float64): rescale, flatten, relu, sigmoid, reshape, rescale."""
    k1, b1, k2, b2 = (np.asarray(weights[roles[r]], dtype=np.float64) for r in ("kernel1", "bias1", "kernel2", "bias2"))
    x = images.astype(np.float64).reshape(len(images), -1) / 255.0
    hidden = np.maximum(x @ k1 + b1, 0.0)
    out = 1.0 / (1.0 + np.exp(-(hidden @ k2 + b2)))
    return (255.0 * out).reshape(images.shape)


def check_output(actual: Any, expected: np.ndarray, call: str) -> np.ndarray:
    """``model.predict`` output: the expected shape, inside [0, 255], equal to the grader's forward pass."""
    from autograder.testing.checks import check_close, result_array

    out = result_array(actual, call)
    if out.shape != expected.shape:
        raise AssertionError(f"{call} returned shape {out.shape} for a batch of shape {expected.shape}")
    if not np.all(np.isfinite(out)) or out.min() < 0.0 or out.max() > 255.0:
        raise AssertionError(f"{call} returned values from {np.nanmin(out):.4g} to {np.nanmax(out):.4g}; the "
                             f"output of Rescaling(255) after a sigmoid lies in [0, 255]")
    check_close(out, expected, call, rtol=OUT_RTOL, atol=OUT_ATOL)
    return out


def weight_shapes(model: Any) -> list:
    return inspect(model, "keras_weight_shapes")


def reference_draws(reference: Any, seed: int | None, calls: list[tuple[np.ndarray, np.ndarray]]) -> list[np.ndarray]:
    """What the reference Sampler built with ``seed`` returns on each call, in order (in the grader: the reference
    solution imports Keras, once per grading worker)."""
    layer = reference.Sampler(seed=seed)
    return [np.asarray(layer(mean, log_var)) for mean, log_var in calls]


def latent(shape: tuple[int, int], seed: int) -> tuple[np.ndarray, np.ndarray]:
    """float32 (z_mean, z_log_var) with log-variances well away from 0."""
    rng = np.random.default_rng(seed)
    mean = rng.normal(size=shape).astype(np.float32)
    log_var = (rng.choice([-1.0, 1.0], size=shape) * rng.uniform(0.5, 2.0, size=shape)).astype(np.float32)
    return mean, log_var


def vae_batch(b: int, h: int, w: int, d: int, seed: int, binary: bool = False) -> tuple[np.ndarray, ...]:
    """(images, reconstructions, z_mean, z_log_var): images in [0, 1] (or {0, 1}), reconstructions inside
    [1e-3, 1 - 1e-3] so that Keras's clipping never matters."""
    rng = np.random.default_rng(seed)
    images = (rng.random((b, h, w, 1)) < 0.4).astype(np.float64) if binary else rng.random((b, h, w, 1))
    reconstructions = rng.uniform(1e-3, 1 - 1e-3, size=(b, h, w, 1))
    mean = rng.normal(size=(b, d))
    log_var = rng.normal(size=(b, d)) * 1.5
    return images, reconstructions, mean, log_var
