# Written for PyTorch tensors: torch.exp on a NumPy array raises TypeError.
import numpy as np
import torch


def vae_sample(z_mean, z_log_var, epsilon=None, rng=None):
    if epsilon is None:
        rng = np.random.default_rng() if rng is None else rng
        epsilon = rng.standard_normal(np.broadcast_shapes(tuple(z_mean.shape), tuple(z_log_var.shape)))
    std = torch.exp(0.5 * z_log_var)
    return (z_mean + std * torch.as_tensor(np.asarray(epsilon), dtype=std.dtype)).numpy()
