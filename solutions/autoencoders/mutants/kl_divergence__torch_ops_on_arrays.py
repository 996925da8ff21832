# Written for PyTorch tensors: torch.exp and torch.sum on NumPy arrays raise TypeError.
import torch


def kl_divergence(z_mean, z_log_var):
    return -0.5 * torch.sum(1 + z_log_var - z_mean.pow(2) - torch.exp(z_log_var), dim=-1)
