"""Shared inputs and tolerances for the style_transfer hidden tests.

Tolerances accept float32 implementations (TensorFlow, Keras, PyTorch: measured worst relative
error 5.4e-7 for Gram matrices, see ../../../../shared/research/domain-notes.md 5b) and still
reject every mutant in ../mutants/.
"""

import numpy as np

from autograder.models import EagerTensor  # noqa: F401 - tensor inputs for the tests
from autograder.models.tensors import FRAMEWORKS  # noqa: F401 - the tensor types a stub must accept
from autograder.testing.checks import Call, check_scalar_close

GRAM_RTOL = 1e-5  # relative to max |G|
LOSS_RTOL = 1e-5


def features(shape, seed, scale=1.0):
    """A reproducible feature map (ReLU-like: non-negative, as VGG activations are)."""
    return np.abs(np.random.default_rng(seed).normal(size=shape)) * scale


def check_loss_given_as(student, reference, function, a, b, wrap):
    """The student's loss of ``wrap(a)`` and ``wrap(b)`` (lists, tensors) equals the reference's loss of the arrays."""
    call = Call(function, wrap(a), wrap(b))
    check_scalar_close(call(student), getattr(reference, function)(a, b), call, rtol=LOSS_RTOL, atol=0.0)
