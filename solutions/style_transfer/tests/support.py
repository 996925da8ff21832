"""Shared inputs and tolerances for the style_transfer hidden tests.

Tolerances accept float32 implementations (TensorFlow, Keras, PyTorch: measured worst relative
error 5.4e-7 for Gram matrices, see ../../../../shared/research/domain-notes.md 5b) and still
reject every mutant in ../mutants/.
"""

import numpy as np

from autograder.models import EagerTensor  # noqa: F401 - tensor inputs for the tests
from autograder.testing.checks import Call, check_scalar_close

# The eager tensors the hidden tests hand the stubs. PyTorch only: a tf.Tensor input would make every
# grading host import TensorFlow (5-10 s before the first submission, even for a class that uses NumPy
# only), and a torch.Tensor already catches what a tensor input breaks (no .astype or .copy, in-place
# changes reach the caller); conversions between the frameworks work both ways (np.asarray, torch.as_tensor,
# tf.convert_to_tensor). TensorFlow tensors are tested where the tests need TensorFlow anyway (adversarial).
FRAMEWORKS = ("torch",)

GRAM_RTOL = 1e-5  # relative to max |G|
LOSS_RTOL = 1e-5


def features(shape, seed, scale=1.0):
    """A reproducible feature map (ReLU-like: non-negative, as VGG activations are)."""
    return np.abs(np.random.default_rng(seed).normal(size=shape)) * scale


def check_loss_given_as(student, reference, function, a, b, wrap):
    """The student's loss of ``wrap(a)`` and ``wrap(b)`` (lists, tensors) equals the reference's loss of the arrays."""
    call = Call(function, wrap(a), wrap(b))
    check_scalar_close(call(student), getattr(reference, function)(a, b), call, rtol=LOSS_RTOL, atol=0.0)
