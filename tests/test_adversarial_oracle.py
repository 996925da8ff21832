"""Oracle test: the ``adversarial`` reference equals gradients computed independently of it.

- MLP (``KerasClassifier("mlp", ...)``: Cropping2D, Flatten, Dense tanh, Dense): an analytic NumPy
  backpropagation in float64 from the spec's own weights, of the mean sparse cross-entropy (for
  ``input_gradient`` and ``fgsm_attack``) and of each image's label logit (for ``saliency_map``).
- CNN: central finite differences (h = 1e-5) on a float64 copy of the model (same layers, weights
  cast to float64); every pixel of every image is perturbed in one batched call.
- The inputs of the hidden FGSM tests have the margin their support module states (no gradient
  component of a used pixel within 1e-3 of its image's largest), clip at 0 and at 1, and label some
  images with a class the model does not predict.

The reference is float32 TensorFlow; it must agree with the float64 oracles to float32 accuracy:
``|ref - oracle| <= 1e-5 * max|oracle| + 1e-4 * |oracle|``.
"""

from __future__ import annotations

import importlib
import importlib.util
import sys
from pathlib import Path

import numpy as np
import pytest

from autograder.models import KerasClassifier

ROOT = Path(__file__).resolve().parents[1]
SOLUTION = ROOT / "solutions" / "adversarial" / "solution.py"
HIDDEN_TESTS = ROOT / "solutions" / "adversarial" / "tests"
MLP = KerasClassifier("mlp", (5, 4, 2), classes=3, seed=7, hidden=6, crop=1)
CNN = KerasClassifier("cnn", (5, 4, 2), classes=3, seed=8, hidden=4, crop=1)
FD_STEP = 1e-5


def _load(name: str, path: Path, package_dir: Path | None = None):
    locations = [str(package_dir)] if package_dir else None
    spec = importlib.util.spec_from_file_location(name, path, submodule_search_locations=locations)
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def ref():
    return _load("_adversarial_reference_for_oracle", SOLUTION)


@pytest.fixture(scope="module")
def support():
    _load("_adversarial_hidden_tests", HIDDEN_TESTS / "__init__.py", HIDDEN_TESTS)
    return importlib.import_module("_adversarial_hidden_tests.support")


def close(actual, oracle) -> bool:
    actual, oracle = np.asarray(actual, dtype=np.float64), np.asarray(oracle, dtype=np.float64)
    return actual.shape == oracle.shape and bool(
        np.all(np.abs(actual - oracle) <= 1e-5 * np.abs(oracle).max() + 1e-4 * np.abs(oracle)))


def inputs(spec: KerasClassifier, batch: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    return rng.uniform(0, 1, size=(batch, *spec.input_shape)).astype(np.float32), rng.integers(0, spec.classes, batch)


def mlp_backprop(spec: KerasClassifier, images: np.ndarray, labels: np.ndarray, of: str) -> np.ndarray:
    """d(mean loss)/d images (``of="loss"``) or d(logit of each image's label)/d image (``of="logit"``), float64."""
    w1, b1, w2, b2 = (w.astype(np.float64) for w in spec.build().get_weights())
    h, w, _ = spec.input_shape
    used = images[:, :h - spec.crop, :w - spec.crop, :].astype(np.float64)
    hidden = np.tanh(used.reshape(len(images), -1) @ w1 + b1)
    logits = hidden @ w2 + b2
    onehot = np.eye(spec.classes)[labels]
    if of == "loss":
        p = np.exp(logits - logits.max(axis=1, keepdims=True))
        d_logits = (p / p.sum(axis=1, keepdims=True) - onehot) / len(images)
    else:
        d_logits = onehot
    d_used = (((d_logits @ w2.T) * (1 - hidden**2)) @ w1.T).reshape(used.shape)
    grad = np.zeros(images.shape)
    grad[:, :h - spec.crop, :w - spec.crop, :] = d_used
    return grad


def float64_copy(model):
    """The same Keras model with float64 layers and weights."""
    import keras

    def cast(node):
        if isinstance(node, dict):
            out = {}
            for key, value in node.items():
                if key == "dtype" and value == "float32":
                    value = "float64"
                elif key == "dtype" and isinstance(value, dict):
                    value = {**value, "config": {**value["config"], "name": "float64"}}
                else:
                    value = cast(value)
                out[key] = value
            return out
        return [cast(v) for v in node] if isinstance(node, list) else node

    copy = keras.Model.from_config(cast(model.get_config()))
    copy.set_weights([w.astype(np.float64) for w in model.get_weights()])
    assert all(w.dtype == "float64" for w in copy.weights)
    return copy


def finite_differences(spec: KerasClassifier, images: np.ndarray, labels: np.ndarray, of: str) -> np.ndarray:
    """Central differences in float64 of the mean loss or of each image's label logit, for every pixel."""
    model = float64_copy(spec.build())
    x = images.astype(np.float64)
    b, n = len(x), x[0].size
    steps = (FD_STEP * np.eye(n)).reshape(n, *x.shape[1:])
    grad = np.zeros(x.shape)
    for i in range(b):
        logits = np.asarray(model(np.concatenate([x[i] + steps, x[i] - steps])))
        if of == "loss":
            shifted = logits - logits.max(axis=1, keepdims=True)
            values = -(shifted[:, labels[i]] - np.log(np.exp(shifted).sum(axis=1))) / b
        else:
            values = logits[:, labels[i]]
        grad[i] = ((values[:n] - values[n:]) / (2 * FD_STEP)).reshape(x.shape[1:])
    return grad


def test_mlp_input_gradient_is_the_analytic_backpropagation(ref):
    images, labels = inputs(MLP, 4, 0)
    oracle = mlp_backprop(MLP, images, labels, "loss")
    assert close(ref.input_gradient(MLP.build(), images, labels), oracle)
    assert np.all(oracle[:, -1] == 0) and np.all(oracle[:, :, -1] == 0)


def test_mlp_saliency_is_the_analytic_gradient_of_the_label_logit(ref):
    images, labels = inputs(MLP, 3, 1)
    oracle = np.abs(mlp_backprop(MLP, images, labels, "logit")).max(axis=-1)
    assert close(ref.saliency_map(MLP.build(), images, list(labels)), oracle)


def test_mlp_fgsm_is_the_signed_analytic_step(ref):
    images, labels = inputs(MLP, 4, 3)  # seed 3: every used component's |g| > 3e-3 * max|g|
    gradient = mlp_backprop(MLP, images, labels, "loss")
    used = np.abs(gradient[:, :-1, :-1])
    assert used.min() > 1e-3 * np.abs(gradient).max(), "the oracle's own inputs need the margin"
    for epsilon in (0.05, 0.3):
        oracle = np.clip(images + epsilon * np.sign(gradient), 0, 1)
        out = ref.fgsm_attack(MLP.build(), images, labels, epsilon)
        assert np.allclose(out, oracle, rtol=0, atol=1e-6)
        assert np.array_equal(out[:, -1], images[:, -1]) and np.array_equal(out[:, :, -1], images[:, :, -1])
    assert np.array_equal(ref.fgsm_attack(MLP.build(), images, labels, 0.0), images)
    with pytest.raises(ValueError):
        ref.fgsm_attack(MLP.build(), images, labels, -0.01)


def test_cnn_input_gradient_matches_float64_finite_differences(ref):
    images, labels = inputs(CNN, 2, 5)
    oracle = finite_differences(CNN, images, labels, "loss")
    assert close(ref.input_gradient(CNN.build(), images, labels), oracle)
    assert np.abs(oracle[:, -1]).max() < 1e-12 and np.abs(oracle[:, :, -1]).max() < 1e-12


def test_cnn_saliency_matches_float64_finite_differences_of_the_label_logit(ref):
    images, labels = inputs(CNN, 2, 4)
    oracle = np.abs(finite_differences(CNN, images, labels, "logit")).max(axis=-1)
    assert close(ref.saliency_map(CNN.build(), images, labels), oracle)


def test_hidden_fgsm_inputs_have_the_stated_margin(ref, support):
    clipped = {"low": False, "high": False}
    for spec, size, seed, epsilon in support.FGSM_CASES:
        images, labels = support.batch(ref, spec, size, seed)
        model = support.grader_model(spec)
        gradient = ref.input_gradient(model, images, labels)
        used = support.used_pixels(spec)
        for i in range(size):
            g = gradient[i]
            assert np.abs(g[used]).min() > support.MARGIN * np.abs(g).max(), (spec, size, seed, i)
            assert np.all(g[~used] == 0)
        predicted = np.argmax(np.asarray(model(images)), axis=1)
        if size > 1:
            assert np.any(predicted != labels) and np.any(predicted == labels), (spec, size, seed)
        step = images + epsilon * np.sign(gradient)
        clipped["low"] |= bool(np.any(step < 0))
        clipped["high"] |= bool(np.any(step > 1))
        if (spec, size, seed, epsilon) == support.FGSM_CLIPPED:
            assert np.any(step < 0) and np.any(step > 1)
    assert clipped == {"low": True, "high": True}
