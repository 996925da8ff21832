"""Models, inputs and checks for the adversarial hidden tests.

A test hands the student's function a ``KerasClassifier`` spec: the sandbox child builds the live
``keras.Model`` from it (once per spec, with its initial weights restored before every call), and the
grader computes the reference on its own copy (``grader_model``), built once per grading worker.
Reference results are cached per worker too, so a submission costs its own calls only.

Margin: FGSM takes the sign of a float32 gradient, which could flip between correct implementations
for a component near 0. Every image in a test batch is drawn (``batch``: seed search) so that each
gradient component of a pixel the model uses satisfies ``|g| > MARGIN * max|g|`` over that image
(``MARGIN = 1e-3``), for the label it gets. Float32 implementations differ by rounding, about 1e-6
of that maximum, a thousand times less. Pixels the model ignores (``crop=1``: the last row and
column) have a gradient of exactly 0: FGSM leaves them unchanged and their saliency is 0.
"""

from __future__ import annotations

import functools
from typing import Any

import numpy as np

from autograder.models import EagerTensor, KerasClassifier
from autograder.testing.checks import Call, check_close, check_inputs_unchanged
from autograder.testing.remote import Handle, inspect

MARGIN = 1e-3
GRAD_RTOL = 1e-4  # gradients and saliency maps: float32 rounding differs between implementations
GRAD_ATOL = 1e-6  # times the largest |value| of the expected result
STEP_ATOL = 1e-6  # FGSM outputs: x + epsilon * sign(g) in float32 or float64

# Non-square images (H != W) so that a reduction over the wrong axis changes the shape.
MLP = KerasClassifier("mlp", (6, 5, 2), classes=3, seed=101, hidden=16, crop=1)
CNN = KerasClassifier("cnn", (7, 6, 3), classes=4, seed=102, hidden=8)
# The FGSM tests' batches, (spec, batch size, seed, epsilon); tests/test_adversarial_oracle.py checks that each has
# the margin, that the steps clip at 0 and at 1 where stated, and that some labels differ from the predictions.
FGSM_MLP = (MLP, 4, 1, 0.1)
FGSM_CNN = (CNN, 3, 2, 0.05)
FGSM_CLIPPED = (MLP, 2, 5, 0.3)
FGSM_IGNORED = (MLP, 2, 4, 0.1)
FGSM_UNCHANGED = (MLP, 3, 6, 0.1)
FGSM_TENSORS = (CNN, 2, 7, 0.1)
FGSM_CASES = (FGSM_MLP, FGSM_CNN, FGSM_CLIPPED, FGSM_IGNORED, FGSM_UNCHANGED, FGSM_TENSORS)
EDGE_VALUES = np.array([0.0, 0.02, 0.05, 0.95, 0.98, 1.0], dtype=np.float32)  # clipped by a step of 0.1


@functools.cache
def grader_model(spec: KerasClassifier) -> Any:
    """The grader's own copy of the model (TensorFlow is imported on first use)."""
    return spec.build()


def used_pixels(spec: KerasClassifier) -> np.ndarray:
    """Mask (H, W, C) of the pixels the model does not crop away."""
    mask = np.ones(spec.input_shape, dtype=bool)
    if spec.crop:
        mask[-spec.crop:, :] = False
        mask[:, -spec.crop:] = False
    return mask


def draw_image(spec: KerasClassifier, seed: int) -> np.ndarray:
    """One float32 image in [0, 1]; about a quarter of its pixels at or next to 0 and 1."""
    rng = np.random.default_rng(seed)
    x = rng.uniform(0.1, 0.9, size=spec.input_shape).astype(np.float32)
    edge = rng.random(spec.input_shape) < 0.25
    x[edge] = rng.choice(EDGE_VALUES, size=int(edge.sum()))
    return x


def has_margin(gradient: np.ndarray, used: np.ndarray) -> bool:
    return bool(np.abs(gradient[used]).min() > MARGIN * np.abs(gradient).max())


@functools.cache
def batch(reference: Any, spec: KerasClassifier, size: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """``size`` images with int64 labels: even slots get a class the model does not predict, odd slots
    its prediction; each image's input gradient has the margin (searching seeds from ``seed``)."""
    model, used = grader_model(spec), used_pixels(spec)
    images, labels, s = [], [], seed * 1000
    while len(images) < size:
        if s >= seed * 1000 + 500:
            raise RuntimeError(f"no image with the gradient margin for {spec} from seed {seed}")
        x = draw_image(spec, s)[None]
        s += 1
        predicted = int(np.argmax(np.asarray(model(x, training=False))[0]))
        offset = 0 if len(images) % 2 else 1 + (len(images) // 2) % (spec.classes - 1)
        label = (predicted + offset) % spec.classes
        if has_margin(reference.input_gradient(model, x, np.array([label]))[0], used):
            images.append(x[0])
            labels.append(label)
    images_out, labels_out = np.stack(images), np.array(labels, dtype=np.int64)
    images_out.setflags(write=False)  # shared by every test of the worker
    labels_out.setflags(write=False)
    return images_out, labels_out


@functools.cache
def expected(reference: Any, function: str, spec: KerasClassifier, size: int, seed: int, *extra: Any) -> np.ndarray:
    """The reference's result on ``batch(...)``, computed once per worker."""
    images, labels = batch(reference, spec, size, seed)
    return np.asarray(getattr(reference, function)(grader_model(spec), images, labels, *extra))


def check_gradient_like(actual: Any, expected_value: np.ndarray, call: Call) -> np.ndarray:
    """Close to the expected gradient or saliency map, relative to its largest value."""
    scale = float(np.abs(expected_value).max())
    return check_close(actual, expected_value, call, rtol=GRAD_RTOL, atol=GRAD_ATOL * scale)


def compare(student: Any, reference: Any, function: str, spec: KerasClassifier, size: int, seed: int,
            labels_as: Any = None, images_as: Any = None) -> tuple[np.ndarray, Call]:
    """``function`` on ``batch(...)`` (converted by ``images_as`` and ``labels_as``) close to the reference's
    gradient or map."""
    images, labels = batch(reference, spec, size, seed)
    c = Call(function, spec, images if images_as is None else images_as(images),
             labels if labels_as is None else labels_as(labels))
    return check_gradient_like(c(student), expected(reference, function, spec, size, seed), c), c


def as_list(labels: np.ndarray) -> list[int]:
    return [int(v) for v in labels]


def as_tf_tensor(values: np.ndarray) -> EagerTensor:
    """A tf.Tensor in the student's process (float32 images, int32 labels)."""
    return EagerTensor("tensorflow", values, dtype="int32" if values.dtype.kind in "iu" else "float32")


def check_step(actual: Any, expected_value: np.ndarray, call: Call) -> np.ndarray:
    return check_close(actual, expected_value, call, rtol=0, atol=STEP_ATOL)


def check_weights_unchanged(model_after: Any, spec: KerasClassifier, call: Call) -> None:
    """The model the student's function was given still has the spec's weights after the call.

    The weights are read by an inspector in the student's process; the child also restores them before
    every call, so a model changed (or made to lie about its weights) gains nothing in other tests."""
    if not isinstance(model_after, Handle):
        raise AssertionError(f"{call}: the model could not be read back after the call")  # noqa: TRY004
    after = inspect(model_after, "keras_weights")
    before = grader_model(spec).get_weights()
    if len(after) != len(before) or any(np.shape(a) != b.shape or not np.array_equal(a, b)
                                        for a, b in zip(after, before)):
        raise AssertionError(f"{call} changed the model's weights; never train the model or assign to its weights")


def check_untouched(student: Any, call: Call, check: Any, expected_value: np.ndarray) -> None:
    """Right result, arguments as passed, and the model's weights unchanged."""
    value, after, _ = getattr(student, call.function).call_and_inputs(*call.args, **call.kwargs)
    check(value, expected_value, call)
    check_inputs_unchanged(list(call.args), after, call)
    check_weights_unchanged(after[0] if after else None, call.args[0], call)
