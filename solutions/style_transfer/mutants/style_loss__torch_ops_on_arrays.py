# Written for PyTorch tensors: torch.matmul on NumPy arrays raises TypeError.
import torch


def style_loss(style_features, combination_features):
    h, w, channels = style_features.shape
    fs = style_features.reshape(-1, channels).double()
    fc = combination_features.reshape(-1, channels).double()
    diff = torch.matmul(fs.T, fs) - torch.matmul(fc.T, fc)
    return float(torch.sum(diff**2) / (4.0 * channels**2 * (h * w) ** 2))
