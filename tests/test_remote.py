"""Objects a student's function returns stay in the sandbox behind handles; models a test hands over are
rebuilt there from the portable registry, identical to the grader's own copies."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from autograder.models import KerasClassifier, TinyGPT2
from autograder.sandbox.hosts import open_sandbox
from autograder.sandbox.run import SubmissionRun
from autograder.sandbox.settings import SandboxSettings
from autograder.sandbox.wire import HandleRef
from autograder.submission.load import load_submission
from autograder.testing.proxy import Student, StudentCrash, StudentError, StudentTimeout
from autograder.testing.remote import Handle, inspect

CODE = '''
import os
import keras
import numpy as np

def build(n):
    model = keras.Sequential([keras.Input((4,)), keras.layers.Dense(n, activation="relu"), keras.layers.Dense(2)])
    return model

def apply(model, x):
    return np.asarray(model(x))

def logits(model, x):
    return np.asarray(model(x, training=False))

def lm_logits(model, ids):
    import torch
    with torch.no_grad():
        return model(torch.tensor([ids])).logits[0].numpy()

def train(model, x):
    w = model.get_weights()
    model.set_weights([v + 1.0 for v in w])
    return 0

class Liar:
    def count_params(self):
        return 5126800
    def forever(self):
        while True:
            pass
    def leave(self):
        os._exit(3)

def liar():
    return Liar()

class Scale(keras.layers.Layer):
    def __init__(self, factor=2.0):
        super().__init__()
        self.factor = factor
    def call(self, x):
        return x * self.factor
'''


@pytest.fixture(scope="module")
def student(tmp_path_factory):
    path = Path(tmp_path_factory.mktemp("remote")) / "sub.py"
    path.write_text(CODE)
    settings = SandboxSettings(warm_imports=("numpy", "tensorflow", "keras", "torch", "transformers"))
    with open_sandbox(settings) as host:
        run = SubmissionRun(host, load_submission(path), notebook_seconds=60, cell_seconds=30, call_seconds=10,
                            max_restarts=8)
        run.start()
        yield Student(run, 10, 2048)
        run.close()


def test_a_returned_model_is_a_handle_and_its_methods_run_in_the_child(student):
    model = student.build(3)
    assert isinstance(model, Handle) and "Sequential" in model.type_name
    assert model.count_params() == 4 * 3 + 3 + 3 * 2 + 2
    x = np.arange(8, dtype=np.float32).reshape(2, 4)
    out = model.predict(x, verbose=0)
    assert isinstance(out, np.ndarray) and out.shape == (2, 2)
    assert np.allclose(model(x), out, atol=1e-6)
    assert model.name == "sequential" or isinstance(model.name, str)
    layers = inspect(model, "keras_layers")
    assert [layer["class"] for layer in layers] == ["Dense", "Dense"]
    assert layers[0]["units"] == 3 and layers[0]["activation"] == "relu" and layers[0]["use_bias"] is True
    weights = inspect(model, "keras_weights")
    w0, b0, w1, b1 = weights
    expected = np.maximum(x @ w0 + b0, 0) @ w1 + b1
    assert np.allclose(out, expected, atol=1e-5)
    assert "keras.src.models.sequential.Sequential" in inspect(model, "type_names")[0]


def test_a_handle_passed_back_reaches_the_same_object(student):
    model = student.build(5)
    x = np.ones((1, 4), np.float32)
    assert np.allclose(student.apply(model, x), model.predict(x, verbose=0), atol=1e-6)


def test_a_class_is_called_into_a_handle_and_the_layer_into_data(student):
    layer = student.Scale(3.0)
    assert isinstance(layer, Handle) and "Layer" in " ".join(inspect(layer, "type_names"))
    assert np.allclose(layer(np.ones((2, 2), np.float32)), 3.0)


def test_a_lying_object_and_a_method_that_never_returns(student):
    liar = student.liar()
    assert liar.count_params() == 5126800  # what it says: a test must not trust it alone
    with pytest.raises(StudentTimeout):
        liar.forever()
    assert not hasattr(liar, "__array__"), "dunder names never reach the child"


def test_portable_models_are_the_same_in_the_child_and_in_the_grader(student):
    rng = np.random.default_rng(0)
    for spec in (KerasClassifier("mlp", (6, 6, 1), 3, seed=4, crop=1), KerasClassifier("cnn", (8, 8, 3), 4, seed=5)):
        x = rng.random((3, *spec.input_shape)).astype(np.float32)
        child = student.logits(spec, x)
        grader = np.asarray(spec.build()(x, training=False))
        assert child.dtype == np.float32 and np.array_equal(child, grader), spec
    gpt = TinyGPT2(vocab=40, seed=2)
    import torch

    ids = [3, 1, 4, 1, 5]
    threads = torch.get_num_threads()
    torch.set_num_threads(1)  # as in the sandbox: the same summation order gives the same float32 bits
    try:
        with torch.no_grad():
            grader = gpt.build()(torch.tensor([ids])).logits[0].numpy()
    finally:
        torch.set_num_threads(threads)
    assert np.array_equal(student.lm_logits(gpt, ids), grader)


def test_a_model_handed_over_comes_back_pristine_after_a_call_changed_it(student):
    spec = KerasClassifier("mlp", (4, 4, 1), 2, seed=9)
    value, after, _ = student.train.call_and_inputs(spec, np.zeros((1, 4, 4, 1), np.float32))
    changed = inspect(after[0], "keras_weights")
    assert not np.array_equal(changed[0], spec.build().get_weights()[0])
    x = np.random.default_rng(1).random((2, 4, 4, 1)).astype(np.float32)
    assert np.array_equal(student.logits(spec, x), np.asarray(spec.build()(x)))


def test_handles_die_with_their_child(student):
    model = student.build(2)
    liar = student.liar()
    with pytest.raises(StudentCrash):
        liar.leave()
    with pytest.raises(StudentError) as info:
        model.count_params()
    assert "no longer exists" in info.value.feedback
    assert isinstance(student.build(2), Handle)  # the restarted child serves new calls
    assert isinstance(model, HandleRef)
