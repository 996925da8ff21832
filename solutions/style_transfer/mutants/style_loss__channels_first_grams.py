# Treats the maps as channels-first (C, H, W): F = reshape(x, (shape[0], -1)) and G = F Fᵀ compare rows, not channels.
import numpy as np


def style_loss(style_features, combination_features):
    s = np.asarray(style_features, dtype=np.float64)
    c = np.asarray(combination_features, dtype=np.float64)
    channels, h, w = s.shape
    fs, fc = s.reshape(channels, -1), c.reshape(channels, -1)
    diff = fs @ fs.T - fc @ fc.T
    return float(np.sum(diff**2) / (4.0 * channels**2 * (h * w) ** 2))
