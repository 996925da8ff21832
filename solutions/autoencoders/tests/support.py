"""Inputs and tolerances for the autoencoders hidden tests."""

import numpy as np

from autograder.models import EagerTensor  # noqa: F401 - tensor inputs for the tests

# The eager tensors the hidden tests hand the stubs. PyTorch only: a tf.Tensor input would make every
# grading host import TensorFlow (5-10 s before the first submission, even for a class that uses NumPy
# only), and a torch.Tensor already catches what a tensor input breaks (no .astype or .copy, in-place
# changes reach the caller); conversions between the frameworks work both ways (np.asarray, torch.as_tensor,
# tf.convert_to_tensor). TensorFlow tensors are tested where the tests need TensorFlow anyway (adversarial).
FRAMEWORKS = ("torch",)

RTOL = 1e-6  # float32 TensorFlow/Keras/PyTorch implementations stay within this
ATOL = 1e-9
FLOAT32_RTOL = 1e-5  # results computed from float32 inputs

LOG4 = float(np.log(4.0))  # a non-zero log-variance: exp(log_var) and exp(0.5 * log_var) differ


def images(shape, seed, dtype=np.uint8):
    """A batch of images in [0, 255] that includes pure black (0) and pure white (255) pixels."""
    x = np.random.default_rng(seed).integers(0, 256, size=shape)
    flat = x.reshape(-1)
    flat[0], flat[-1] = 0, 255
    return x.astype(dtype)


def latent(shape, seed):
    rng = np.random.default_rng(seed)
    return rng.normal(size=shape), rng.normal(size=shape) * 1.5
