OK_FORMAT = False

import numpy as np
from otter.test_files import test_case

name = "build_dense_autoencoder"


@test_case(points=1, hidden=False)
def test_small_model_parameters_and_output_shape(build_dense_autoencoder):
    """6 x 4 images, 3 hidden units: 2*24*3 + 3 + 24 = 171 parameters and outputs of shape (B, 6, 4, 1)"""
    model = build_dense_autoencoder(6, 4, 3)
    n = model.count_params()
    assert n == 171, f"build_dense_autoencoder(6, 4, 3).count_params() returned {n}; expected 2*24*3 + 3 + 24 = 171"
    stored = sum(int(np.size(w)) for w in model.weights)
    assert stored == 171, f"the model's weights hold {stored} numbers, but count_params() says 171"
    out = np.asarray(model.predict(np.zeros((2, 6, 4, 1), np.float32), verbose=0))
    assert out.shape == (2, 6, 4, 1), f"a batch of shape (2, 6, 4, 1) gave an output of shape {out.shape}"


@test_case(points=1, hidden=False)
def test_black_images_give_mid_grey(build_dense_autoencoder):
    """a new model maps black images to 127.5 (biases start at 0, sigmoid(0) = 0.5, Rescaling(255))"""
    model = build_dense_autoencoder(5, 7, 4)
    out = np.asarray(model.predict(np.zeros((3, 5, 7, 1), np.float32), verbose=0), dtype=float)
    assert out.shape == (3, 5, 7, 1), f"a batch of shape (3, 5, 7, 1) gave an output of shape {out.shape}"
    assert np.allclose(out, 127.5, atol=1e-3), \
        f"black images should give 255 * sigmoid(0) = 127.5 everywhere; got values from {out.min():.4g} to {out.max():.4g}"
