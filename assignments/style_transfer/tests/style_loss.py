OK_FORMAT = False

import numpy as np
from otter.test_files import test_case

name = "style_loss"


def as_number(value, call):
    """A single number (Python float, NumPy scalar or 0-d tensor) as a float."""
    assert value is not None, f"{call} returned None; did you forget the return statement?"
    arr = np.asarray(value, dtype=float)
    assert arr.size == 1, f"{call} returned an array of shape {arr.shape}; it should return a single number"
    return float(arr.reshape(()))


@test_case(points=1, hidden=False)
def test_one_channel_by_hand(style_loss):
    """sum((G_s - G_c)**2) / (4 * C**2 * (H*W)**2) for a 1 x 2 map with one channel"""
    s = np.array([[[1.0], [2.0]]])  # H=1, W=2, C=1: G_s = [[1 + 4]] = [[5]]
    c = np.zeros((1, 2, 1))         # G_c = [[0]]
    call = "style_loss([[[1], [2]]], zeros((1, 2, 1)))"
    got = as_number(style_loss(s, c), call)
    assert np.isclose(got, 25 / 16, rtol=1e-5), \
        f"{call} returned {got}; expected (5 - 0)**2 / (4 * 1**2 * 2**2) = 25/16 = 1.5625"


@test_case(points=1, hidden=False)
def test_two_channels_by_hand(style_loss):
    """the normalisation uses the layer's own C and H*W"""
    s = np.array([[[1.0, 0.0], [0.0, 1.0]]])  # H=1, W=2, C=2: G_s = identity
    c = np.array([[[1.0, 1.0], [0.0, 0.0]]])  # G_c = [[1, 1], [1, 1]]
    call = "style_loss([[[1, 0], [0, 1]]], [[[1, 1], [0, 0]]])"
    got = as_number(style_loss(s, c), call)
    # G_s - G_c = [[0, -1], [-1, 0]]: the sum of squares is 2; 4 * C**2 * (H*W)**2 = 4 * 4 * 4 = 64
    assert np.isclose(got, 2 / 64, rtol=1e-5), f"{call} returned {got}; expected 2 / 64 = 0.03125"


@test_case(points=1, hidden=False)
def test_same_features_have_no_style_loss(style_loss):
    """identical feature maps give 0"""
    x = np.abs(np.random.default_rng(1).normal(size=(3, 4, 2)))
    got = as_number(style_loss(x, x.copy()), "style_loss(x, x)")
    assert abs(got) < 1e-9, f"style_loss(x, x) returned {got}; identical feature maps have style loss 0"
