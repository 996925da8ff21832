# PyTorch ops in float32, returning torch tensors; noise from the NumPy rng.
import numpy as np
import torch

torch.set_num_threads(1)


def denoising_mask(images, rng):
    x = torch.as_tensor(np.asarray(images))
    mask = torch.from_numpy(rng.random(size=tuple(x.shape[1:]))).float()
    return mask * (255.0 - x.float())


def vae_sample(z_mean, z_log_var, epsilon=None, rng=None):
    mu = torch.as_tensor(np.asarray(z_mean), dtype=torch.float32)
    log_var = torch.as_tensor(np.asarray(z_log_var), dtype=torch.float32)
    if epsilon is None:
        rng = rng if rng is not None else np.random.default_rng()
        epsilon = rng.standard_normal(size=tuple(torch.broadcast_shapes(mu.shape, log_var.shape)))
    eps = torch.as_tensor(np.asarray(epsilon), dtype=torch.float32)
    return mu + torch.exp(0.5 * log_var) * eps


def kl_divergence(z_mean, z_log_var):
    mu = torch.as_tensor(np.asarray(z_mean), dtype=torch.float32)
    log_var = torch.as_tensor(np.asarray(z_log_var), dtype=torch.float32)
    return -0.5 * torch.sum(1 + log_var - mu.pow(2) - log_var.exp(), dim=-1)
