# Written for PyTorch tensors: torch.sum on the NumPy difference of two arrays raises TypeError.
import torch


def content_loss(base_features, combination_features):
    return torch.sum((combination_features - base_features) ** 2).item()
