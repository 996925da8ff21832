# PyTorch, float32 (einsum for the Gram matrix); returns torch tensors.
import numpy as np
import torch

torch.set_num_threads(1)


def gram_matrix(features):
    x = torch.as_tensor(np.asarray(features), dtype=torch.float32)
    if x.dim() == 3:
        return torch.einsum("hwc,hwd->cd", x, x)
    if x.dim() == 4:
        return torch.einsum("bhwc,bhwd->bcd", x, x)
    raise ValueError(f"features must have 3 or 4 dimensions, got {x.dim()}")


def style_loss(style_features, combination_features):
    s = gram_matrix(style_features)
    c = gram_matrix(combination_features)
    h, w, channels = np.shape(style_features)
    return ((s - c) ** 2).sum() / (4 * channels**2 * (h * w) ** 2)


def content_loss(base_features, combination_features):
    b = torch.as_tensor(np.asarray(base_features), dtype=torch.float32)
    c = torch.as_tensor(np.asarray(combination_features), dtype=torch.float32)
    return torch.sum((c - b) ** 2)
