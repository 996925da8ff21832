"""The dense autoencoder through its handle: output shapes, layers, parameter counts, built and not
compiled, and the forward pass recomputed in NumPy from the model's own weights (and from weights the
grader sets), compared with ``model.predict`` on the grader's images. Only one test builds the lecture's
80 x 80 model; the others use small non-square sizes."""

import numpy as np
import pytest

from autograder.testing.checks import result_array
from autograder.testing.remote import inspect

from .support import (
    LECTURE,
    LECTURE_PARAMS,
    OTHER,
    SMALL,
    build_call,
    check_output,
    dense_params,
    forward,
    pixels,
    weight_roles,
    weight_shapes,
)

pytestmark = pytest.mark.question("build_dense_autoencoder")


def test_lecture_parameter_count(student):
    """80 x 80 images and 400 hidden units: 5,126,800 parameters, as in the lecture's summary"""
    call = build_call(*LECTURE)
    model = student.build_dense_autoencoder(*LECTURE)
    said = model.count_params()
    if said != LECTURE_PARAMS:
        raise AssertionError(f"{call}.count_params() returned {said!r}; the lecture's model has 5,126,800 "
                             f"parameters (2 * 6400 * 400 + 400 + 6400)")
    counted = sum(int(np.prod(s)) for s in weight_shapes(model))
    if counted != LECTURE_PARAMS:
        raise AssertionError(f"{call}: its weights hold {counted} numbers, but count_params() says 5,126,800")


def test_output_shape_on_a_batch(student):
    """the output of a batch (B, h, w, 1) has shape (B, h, w, 1), for non-square images"""
    for (h, w, hidden), batch in ((SMALL, 3), (OTHER, 1)):
        call = f"{build_call(h, w, hidden)} called on images of shape ({batch}, {h}, {w}, 1)"
        out = result_array(student.build_dense_autoencoder(h, w, hidden)(pixels((batch, h, w, 1), seed=h)), call)
        if out.shape != (batch, h, w, 1):
            raise AssertionError(f"{call} returned shape {out.shape}; expected ({batch}, {h}, {w}, 1)")


def test_two_dense_layers_with_biases_relu_then_sigmoid(student):
    """exactly two Dense layers, with biases: num_hidden units with relu, then h*w units with sigmoid"""
    h, w, hidden = OTHER
    call = build_call(h, w, hidden)
    model = student.build_dense_autoencoder(h, w, hidden)
    dense = [layer for layer in inspect(model, "keras_layers") if layer["class"] == "Dense"]
    found = [(d.get("units"), d.get("activation"), d.get("use_bias")) for d in dense]
    want = [(hidden, "relu", True), (h * w, "sigmoid", True)]
    if sorted(found, key=str) != sorted(want, key=str):
        raise AssertionError(f"{call} has Dense layers (units, activation, use_bias) {found}; the lecture's "
                             f"autoencoder has exactly Dense({hidden}, 'relu') and Dense({h * w}, 'sigmoid'), "
                             f"both with biases")
    said = model.count_params()
    if said != dense_params(h, w, hidden):
        raise AssertionError(f"{call}.count_params() returned {said!r}; 2*h*w*num_hidden + num_hidden + h*w "
                             f"is {dense_params(h, w, hidden)}")


def test_rescaling_and_reshape_layers(student):
    """Rescaling(1/255) on the input, Reshape((h, w, 1)) and Rescaling(255) on the output"""
    h, w, hidden = SMALL
    call = build_call(h, w, hidden)
    layers = inspect(student.build_dense_autoencoder(h, w, hidden), "keras_layers")
    scales = sorted((round(float(r.get("scale", 0)), 9), float(r.get("offset", 0))) for r in layers
                    if r["class"] == "Rescaling")
    if scales != sorted([(round(1 / 255, 9), 0.0), (255.0, 0.0)]):
        raise AssertionError(f"{call} has Rescaling layers with (scale, offset) {scales}; the lecture's model "
                             f"has Rescaling(1/255) before the Dense layers and Rescaling(255) after them")
    targets = [r.get("target_shape") for r in layers if r["class"] == "Reshape"]
    if targets != [[h, w, 1]]:
        raise AssertionError(f"{call} has Reshape layers with target shapes {targets}; expected one "
                             f"Reshape(({h}, {w}, 1))")


def test_built_and_not_compiled(student):
    """returned built (its weights exist) and not compiled"""
    h, w, hidden = SMALL
    call = build_call(h, w, hidden)
    model = student.build_dense_autoencoder(h, w, hidden)
    shapes = weight_shapes(model)
    if model.built is not True or not shapes:
        raise AssertionError(f"{call} returned a model that is not built (it has no weights yet); give a "
                             f"Sequential or functional model its keras.Input, or call a subclassed model once")
    if model.compiled is not False:
        raise AssertionError(f"{call} returned a compiled model; the function builds the model only, "
                             f"do not call compile()")


@pytest.mark.points(2)
def test_forward_pass_from_its_own_weights(student):
    """model.predict on images in [0, 255] equals the lecture's computation from the model's own weights"""
    h, w, hidden = SMALL
    call = build_call(h, w, hidden)
    model = student.build_dense_autoencoder(h, w, hidden)
    weights = inspect(model, "keras_weights")
    roles = weight_roles([np.shape(v) for v in weights], h, w, hidden, call)
    model.set_weights(weights)  # a no-op for a real model; a model that misreports its weights now computes with them
    images = pixels((4, h, w, 1), seed=11)
    check_output(model.predict(images, verbose=0), forward(images, weights, roles),
                 f"{call}.predict(images of shape {images.shape} in [0, 255])")


@pytest.mark.points(2)
def test_forward_pass_with_weights_set_by_the_grader(student):
    """after set_weights with the grader's weights (non-zero biases), predict equals the lecture's computation"""
    h, w, hidden = OTHER
    call = build_call(h, w, hidden)
    model = student.build_dense_autoencoder(h, w, hidden)
    shapes = weight_shapes(model)
    roles = weight_roles(shapes, h, w, hidden, call)
    rng = np.random.default_rng(21)
    scale = {"kernel1": 0.15, "bias1": 1.0, "kernel2": 0.8, "bias2": 1.5}
    mine = [None] * len(shapes)
    for role, i in roles.items():
        mine[i] = (rng.normal(size=shapes[i]) * scale[role]).astype(np.float32)
    model.set_weights(mine)
    images = pixels((5, h, w, 1), seed=22)
    check_output(model.predict(images, verbose=0), forward(images, mine, roles),
                 f"{call}.predict(images of shape {images.shape} in [0, 255]) after set_weights")
