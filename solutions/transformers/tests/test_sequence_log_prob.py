"""sequence_log_prob on tiny random-weight GPT-2 models: the test sends a portable spec (``TinyGPT2``), the
sandbox child rebuilds the real ``GPT2LMHeadModel`` and the student's function receives it; the expected value
comes from the grader's own copy. Tolerance: float32 implementations were within 2.2e-7 relative of the
float64 reference, every off-by-one mistake 6e-3 or more away (see support.py)."""

import numpy as np
import pytest

from autograder.models import EagerTensor, TinyGPT2
from autograder.testing.checks import Call, check_correct_and_inputs_unchanged, check_scalar_close
from autograder.testing.remote import inspect, is_handle

from .support import LOG_PROB_ATOL, LOG_PROB_RTOL, MODEL_A, MODEL_B, OnReferenceModels, reference_model, token_ids

pytestmark = pytest.mark.question("sequence_log_prob")


def close(actual, expected, call):
    return check_scalar_close(actual, float(expected), call, rtol=LOG_PROB_RTOL, atol=LOG_PROB_ATOL)


def check(student, reference, params, ids):
    c = Call("sequence_log_prob", TinyGPT2(**params), ids)
    return close(c(student), c(OnReferenceModels(reference)), c)


@pytest.mark.points(2)
@pytest.mark.parametrize("ids", [[5], np.array([42])], ids=["list", "array"])
def test_single_token_gives_zero(student, ids):
    """one token: no conditional factor, the log-probability is 0.0"""
    c = Call("sequence_log_prob", TinyGPT2(**MODEL_A), ids)
    check_scalar_close(c(student), 0.0, c, rtol=0, atol=1e-9)


@pytest.mark.points(2)
def test_two_tokens(student, reference):
    """two tokens: log p(x_1 | x_0), read from the logits at position 0"""
    check(student, reference, MODEL_A, [3, 17])


@pytest.mark.points(2)
def test_short_sequence_as_a_list(student, reference):
    """eight token ids as a Python list"""
    check(student, reference, MODEL_A, [int(t) for t in token_ids(8, 64, seed=1)])


@pytest.mark.points(2)
def test_ids_as_a_numpy_array(student, reference):
    """twenty token ids as a NumPy int64 array"""
    check(student, reference, MODEL_A, token_ids(20, 64, seed=2))


@pytest.mark.points(2)
def test_ids_as_a_torch_tensor(student, reference):
    """fifteen token ids as a torch.Tensor (int64), as a tokenizer's return_tensors="pt" gives them (1-D here)"""
    ids = token_ids(15, 64, seed=7)
    c = Call("sequence_log_prob", TinyGPT2(**MODEL_A), EagerTensor("torch", ids))
    close(c(student), reference.sequence_log_prob(reference_model(TinyGPT2(**MODEL_A)), ids), c)


@pytest.mark.points(2)
def test_long_sequence(student, reference):
    """120 tokens: the sum of 119 conditional log-probabilities"""
    check(student, reference, MODEL_A, token_ids(120, 64, seed=3))


@pytest.mark.points(2)
def test_another_model(student, reference):
    """another model (vocabulary of 50, other weights) and a tuple of ids"""
    check(student, reference, MODEL_B, tuple(int(t) for t in token_ids(30, 50, seed=4)))


@pytest.mark.points(2)
def test_model_left_as_it_was(student, reference):
    """the model is not changed: same weights (values and dtypes), still in eval mode"""
    spec, ids = TinyGPT2(**MODEL_A), token_ids(10, 64, seed=5)
    c = Call("sequence_log_prob", spec, ids)
    value, after, _ = student.sequence_log_prob.call_and_inputs(spec, ids)
    close(value, c(OnReferenceModels(reference)), c)
    model = after[0] if after else None
    if not is_handle(model):
        raise AssertionError(f"{c}: the model could not be inspected after the call")
    pristine = {k: v.detach().numpy() for k, v in reference_model(spec).state_dict().items()}
    weights = inspect(model, "torch_weights")
    changed = sorted(k for k in pristine if k not in weights or weights[k].dtype != pristine[k].dtype
                     or not np.array_equal(weights[k], pristine[k]))
    if changed:
        raise AssertionError(f"{c} changed the model's weights ({', '.join(changed[:3])}); never train or convert "
                             f"the model you are given")
    if model.training is not False:
        raise AssertionError(f"{c} left the model in training mode (model.train()); it was handed over in eval mode")


def test_ids_are_left_unchanged(student, reference):
    """the list of ids passed in is left unchanged (and the result is right)"""
    spec = TinyGPT2(**MODEL_B)
    c = Call("sequence_log_prob", spec, [int(t) for t in token_ids(12, 50, seed=6)])
    check_correct_and_inputs_unchanged(student, OnReferenceModels(reference), c, close)
