OK_FORMAT = False

import numpy as np
from otter.test_files import test_case

name = "denoising_mask"


@test_case(points=1, hidden=False)
def test_matches_one_mask_from_the_seed(denoising_mask):
    """mask * (255 - images) with mask = rng.random(size=images.shape[1:])"""
    images = np.array([[[0, 255], [100, 55]], [[255, 0], [10, 200]]], dtype=np.uint8)  # N=2, H=W=2
    out = np.asarray(denoising_mask(images, np.random.default_rng(0)), dtype=float)
    assert out.shape == (2, 2, 2), f"denoising_mask returned shape {out.shape} for images of shape (2, 2, 2)"
    mask = np.random.default_rng(0).random(size=(2, 2))
    expected = mask * (255.0 - images.astype(float))
    assert np.allclose(out, expected, rtol=1e-6, atol=1e-9), \
        f"denoising_mask(images, np.random.default_rng(0)) should be {np.round(expected, 4).tolist()}; " \
        f"got {np.round(out, 4).tolist()} (draw mask = rng.random(size=images.shape[1:]) once and compute " \
        f"255 - images in floating point: on uint8, images - 255 wraps around)"


@test_case(points=1, hidden=False)
def test_colour_images_keep_their_shape_and_become_float(denoising_mask):
    """(N, H, W, C) images give a floating-point array of the same shape"""
    images = np.full((3, 2, 2, 3), 128, dtype=np.uint8)
    out = np.asarray(denoising_mask(images, np.random.default_rng(1)))
    assert out.shape == images.shape, f"denoising_mask returned shape {out.shape} for images of shape {images.shape}"
    assert out.dtype.kind == "f", f"denoising_mask returned values of type {out.dtype}; return floats (float64)"
    assert (out >= 0).all() and (out <= 127.0).all(), \
        f"for pixels of value 128 the noise should lie in [0, 127]; got values from {out.min()} to {out.max()}"


@test_case(points=1, hidden=False)
def test_identical_images_get_identical_noise(denoising_mask):
    """one mask is shared by every image in the batch"""
    images = np.full((4, 3, 3), 55, dtype=np.uint8)
    out = np.asarray(denoising_mask(images, np.random.default_rng(2)), dtype=float)
    assert out.shape == images.shape, f"denoising_mask returned shape {out.shape} for images of shape {images.shape}"
    assert np.allclose(out, out[0], rtol=1e-6, atol=1e-9), \
        "four identical images got different noise; draw ONE mask of shape images.shape[1:] for the whole batch"


@test_case(points=1, hidden=False)
def test_white_pixels_get_no_noise(denoising_mask):
    """a pure white pixel (255) gets exactly 0"""
    images = np.full((2, 3, 3), 255, dtype=np.uint8)
    out = np.asarray(denoising_mask(images, np.random.default_rng(3)), dtype=float)
    assert np.array_equal(out, np.zeros((2, 3, 3))), \
        f"white images (255 everywhere) should give all zeros, since 255 - 255 = 0; got {np.round(out, 3).tolist()}"
