OK_FORMAT = False

import numpy as np
from otter.test_files import test_case

name = "gram_matrix"


def raises_value_error(func, *args):
    """Whether func(*args) raises ValueError; any other error is re-raised so you can see it."""
    try:
        func(*args)
    except ValueError:
        return True
    return False


@test_case(points=1, hidden=False)
def test_small_feature_map_by_hand(gram_matrix):
    """the unnormalised Gram matrix F^T F of a (2, 2, 3) feature map"""
    x = np.arange(12, dtype=float).reshape(2, 2, 3)  # 4 pixels, 3 channels
    g = np.asarray(gram_matrix(x), dtype=float)
    assert g.shape == (3, 3), f"gram_matrix of a (2, 2, 3) feature map returned shape {g.shape}; expected (C, C) = (3, 3)"
    expected = np.array([[126.0, 144.0, 162.0], [144.0, 166.0, 188.0], [162.0, 188.0, 214.0]])
    assert np.allclose(g, expected, rtol=1e-5, atol=1e-6), \
        f"gram_matrix(np.arange(12).reshape(2, 2, 3)) should be {expected.tolist()} " \
        f"(F = reshape(features, (H*W, C)), G = F^T F, not divided by anything); got {g.tolist()}"


@test_case(points=1, hidden=False)
def test_channels_by_channels_and_symmetric(gram_matrix):
    """an (H, W, C) map gives a symmetric (C, C) matrix"""
    x = np.abs(np.random.default_rng(0).normal(size=(4, 5, 2)))
    g = np.asarray(gram_matrix(x), dtype=float)
    assert g.shape == (2, 2), f"gram_matrix of a (4, 5, 2) feature map returned shape {g.shape}; expected (2, 2)"
    assert np.allclose(g, g.T, rtol=1e-5, atol=1e-6), f"a Gram matrix is symmetric; got {g.tolist()}"
    expected = x.reshape(20, 2).T @ x.reshape(20, 2)
    assert np.allclose(g, expected, rtol=1e-5, atol=1e-6), \
        f"gram_matrix of a (4, 5, 2) feature map should be {np.round(expected, 4).tolist()}; got {np.round(g, 4).tolist()}"


@test_case(points=1, hidden=False)
def test_batch_gives_one_matrix_per_image(gram_matrix):
    """a batch (B, H, W, C) gives shape (B, C, C), one Gram matrix per image"""
    x = np.arange(24, dtype=float).reshape(2, 2, 2, 3) / 10
    g = np.asarray(gram_matrix(x), dtype=float)
    assert g.shape == (2, 3, 3), f"gram_matrix of a (2, 2, 2, 3) batch returned shape {g.shape}; expected (2, 3, 3)"
    for i in range(2):
        one = np.asarray(gram_matrix(x[i]), dtype=float)
        assert np.allclose(g[i], one, rtol=1e-5, atol=1e-6), \
            f"gram_matrix(batch)[{i}] should equal gram_matrix(batch[{i}]); got {g[i].tolist()} and {one.tolist()}"


@test_case(points=1, hidden=False)
def test_matrix_input_is_rejected(gram_matrix):
    """a 2-D input (neither (H, W, C) nor (B, H, W, C)) raises ValueError"""
    assert raises_value_error(gram_matrix, np.ones((4, 3))), \
        "gram_matrix(np.ones((4, 3))) should raise ValueError: only (H, W, C) and (B, H, W, C) are accepted"
