"""Oracle test: the ``keras_autoencoders`` reference and the hidden tests' own computations agree with Keras.

- ``vae_loss`` (``solutions/keras_autoencoders/solution.py``, NumPy float64) equals the keras-io ``vae.py`` loss
  computed with Keras's own ``keras.losses.binary_crossentropy`` and ``keras.ops`` in float32, on seeded batches
  with images in ``[0, 1]`` (and binary ones) and reconstructions inside ``[1e-3, 1 - 1e-3]``; per pixel, the
  reference's cross-entropy equals Keras's.
- ``Sampler`` equals ``z_mean + exp(0.5 * z_log_var) * keras.random.normal(shape, seed=generator)`` with one
  ``keras.random.SeedGenerator(seed)`` drawn once per call, in order, exactly.
- The reference autoencoder has the lecture's 5,126,800 parameters, and the hidden tests' NumPy forward pass
  (``tests/support.py``: ``weight_roles``, ``forward``) equals Keras's ``predict`` on the reference model, with
  its own weights and with weights set like the hidden test sets them.
"""

from __future__ import annotations

import importlib
import importlib.util
from pathlib import Path

import keras
import numpy as np
import pytest
from keras import ops

ROOT = Path(__file__).resolve().parents[1]
SOLUTION = ROOT / "solutions" / "keras_autoencoders" / "solution.py"


def _load_reference():
    spec = importlib.util.spec_from_file_location("_keras_autoencoders_reference_for_oracle", SOLUTION)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


ref = _load_reference()
support = importlib.import_module("solutions.keras_autoencoders.tests.support")


def keras_io_loss(images, reconstructions, z_mean, z_log_var) -> float:
    """keras-io examples/generative/vae.py, VAE.train_step, in keras.ops (float32)."""
    data, reconstruction = (ops.convert_to_tensor(np.asarray(a, np.float32)) for a in (images, reconstructions))
    z_mean, z_log_var = (ops.convert_to_tensor(np.asarray(a, np.float32)) for a in (z_mean, z_log_var))
    reconstruction_loss = ops.mean(ops.sum(keras.losses.binary_crossentropy(data, reconstruction), axis=(1, 2)))
    kl_loss = -0.5 * (1 + z_log_var - ops.square(z_mean) - ops.exp(z_log_var))
    kl_loss = ops.mean(ops.sum(kl_loss, axis=1))
    return float(reconstruction_loss + kl_loss)


BATCHES = [(b, h, w, d, seed, binary) for seed, (b, h, w, d) in enumerate(
    [(4, 6, 5, 3), (3, 7, 4, 2), (5, 4, 8, 3), (6, 3, 3, 4), (2, 12, 9, 16), (1, 3, 4, 2), (8, 28, 28, 2)])
    for binary in (False, True)]


@pytest.mark.parametrize(("b", "h", "w", "d", "seed", "binary"), BATCHES)
def test_vae_loss_equals_the_keras_io_loss(b, h, w, d, seed, binary):
    batch = support.vae_batch(b, h, w, d, seed=100 + seed, binary=binary)
    assert ref.vae_loss(*batch) == pytest.approx(keras_io_loss(*batch), rel=1e-6, abs=1e-6)


def test_per_pixel_cross_entropy_equals_keras():
    images, recon, _, _ = support.vae_batch(3, 5, 4, 2, seed=7)
    x, p = images.astype(np.float32), recon.astype(np.float32)
    keras_bce = np.asarray(keras.losses.binary_crossentropy(x, p))
    ours = -np.mean(x * np.log(p.astype(np.float64)) + (1 - x) * np.log(1 - p.astype(np.float64)), axis=-1)
    assert keras_bce.shape == (3, 5, 4)
    np.testing.assert_allclose(ours, keras_bce, rtol=1e-5, atol=1e-6)


def test_the_hidden_tests_tolerance_separates_the_kl_reductions():
    """The DLwP 2nd-edition reduction (mean over everything) is far outside the hidden tests' tolerance."""
    images, recon, mean, log_var = support.vae_batch(4, 6, 5, 3, seed=1)
    kl = -0.5 * (1 + log_var - mean**2 - np.exp(log_var))
    assert abs(np.sum(kl, axis=1).mean() - kl.mean()) > 100 * support.LOSS_RTOL * ref.vae_loss(images, recon, mean,
                                                                                                log_var)


@pytest.mark.parametrize("seed", [0, 11, 12345])
def test_sampler_equals_keras_random_normal_with_a_seed_generator(seed):
    calls = [support.latent(shape, seed=30 + i) for i, shape in enumerate([(4, 3), (4, 3), (2, 5), (1, 7)])]
    layer = ref.Sampler(seed=seed)
    generator = keras.random.SeedGenerator(seed)
    for mean, log_var in calls:
        epsilon = np.asarray(keras.random.normal(mean.shape, seed=generator))
        want = mean + np.exp(0.5 * log_var) * epsilon
        got = np.asarray(layer(mean, log_var))
        np.testing.assert_allclose(got, want, rtol=1e-6, atol=1e-7)
    assert isinstance(layer, keras.layers.Layer)


def test_sampler_reference_draws_helper_is_reproducible():
    calls = [support.latent((3, 2), seed=1), support.latent((3, 2), seed=2)]
    a = support.reference_draws(ref, 4, calls)
    b = support.reference_draws(ref, 4, calls)
    assert all(np.array_equal(x, y) for x, y in zip(a, b)) and not np.array_equal(a[0], a[1])
    assert not np.array_equal(a[0], support.reference_draws(ref, 5, calls)[0])


def test_lecture_parameter_count():
    model = ref.build_dense_autoencoder(*support.LECTURE)
    assert model.count_params() == support.LECTURE_PARAMS == support.dense_params(*support.LECTURE)


@pytest.mark.parametrize("size", [support.SMALL, support.OTHER])
def test_numpy_forward_pass_equals_keras_predict(size):
    h, w, hidden = size
    model = ref.build_dense_autoencoder(h, w, hidden)
    images = support.pixels((4, h, w, 1), seed=3)
    weights = model.get_weights()
    roles = support.weight_roles([v.shape for v in weights], h, w, hidden, "reference")
    support.check_output(model.predict(images, verbose=0), support.forward(images, weights, roles), "reference")
    rng = np.random.default_rng(9)
    mine = [(rng.normal(size=v.shape) * 1.5).astype(np.float32) for v in weights]
    model.set_weights(mine)
    out = model.predict(images, verbose=0)
    support.check_output(out, support.forward(images, mine, roles), "reference after set_weights")
    assert 0.0 <= out.min() and out.max() <= 255.0
