# vae_loss in PyTorch: F.binary_cross_entropy(reduction="none"), float32 tensors; returns a 0-d tensor.
import numpy as np
import torch
import torch.nn.functional as F


def vae_loss(images, reconstructions, z_mean, z_log_var):
    x = torch.as_tensor(np.asarray(images), dtype=torch.float32)
    p = torch.as_tensor(np.asarray(reconstructions), dtype=torch.float32)
    mu = torch.as_tensor(np.asarray(z_mean), dtype=torch.float32)
    log_var = torch.as_tensor(np.asarray(z_log_var), dtype=torch.float32)
    bce = F.binary_cross_entropy(p, x, reduction="none").mean(dim=-1)
    reconstruction = bce.sum(dim=(1, 2)).mean()
    kl = (-0.5 * (1 + log_var - mu.pow(2) - log_var.exp())).sum(dim=1).mean()
    return reconstruction + kl
