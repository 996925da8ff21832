OK_FORMAT = False

import numpy as np
from otter.test_files import test_case

name = "vae_loss"


@test_case(points=1, hidden=False)
def test_reconstruction_by_hand(vae_loss):
    """images and reconstructions 0.5 and z_mean = z_log_var = 0: log 2 per pixel, 4 log 2 for 2 x 2 images"""
    half = np.full((3, 2, 2, 1), 0.5)
    loss = vae_loss(half, half, np.zeros((3, 2)), np.zeros((3, 2)))
    assert np.asarray(loss).size == 1, f"vae_loss returned an array of shape {np.asarray(loss).shape}; return one number"
    assert np.isclose(float(loss), 4 * np.log(2), rtol=1e-5), \
        f"expected 4 log 2 = {4 * np.log(2):.6f} (sum over the 2 x 2 pixels, mean over the batch); got {float(loss):.6f}"


@test_case(points=1, hidden=False)
def test_kl_by_hand(vae_loss):
    """z_mean = 1 in 3 latent dimensions adds 3 * 0.5 = 1.5 (KL summed over the latent axis, mean over the batch)"""
    half = np.full((2, 2, 2, 1), 0.5)
    loss = float(np.asarray(vae_loss(half, half, np.ones((2, 3)), np.zeros((2, 3)))).reshape(-1)[0])
    assert np.isclose(loss, 4 * np.log(2) + 1.5, rtol=1e-5), \
        f"expected 4 log 2 + 1.5 = {4 * np.log(2) + 1.5:.6f}; got {loss:.6f}"
