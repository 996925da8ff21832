"""Shared inputs and tolerances for the style_transfer hidden tests.

Tolerances accept float32 implementations (TensorFlow, Keras, PyTorch: measured worst relative
error 5.4e-7 for Gram matrices, see ../../../../shared/research/domain-notes.md 5b) and still
reject every mutant in ../mutants/.
"""

import numpy as np

GRAM_RTOL = 1e-5  # relative to max |G|
LOSS_RTOL = 1e-5


def features(shape, seed, scale=1.0):
    """A reproducible feature map (ReLU-like: non-negative, as VGG activations are)."""
    return np.abs(np.random.default_rng(seed).normal(size=shape)) * scale
