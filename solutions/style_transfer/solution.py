"""Reference solution for the style_transfer assignment (never shipped to students).

``style_loss`` computes its Gram matrices itself, so a wrong ``gram_matrix`` mutant costs points
only on its own question.
"""

import numpy as np


def gram_matrix(features):
    x = np.asarray(features, dtype=np.float64)
    if x.ndim == 3:
        f = x.reshape(-1, x.shape[-1])
        return f.T @ f
    if x.ndim == 4:
        f = x.reshape(x.shape[0], -1, x.shape[-1])
        return np.transpose(f, (0, 2, 1)) @ f
    raise ValueError(f"features must have shape (H, W, C) or (B, H, W, C), not {x.shape}")


def style_loss(style_features, combination_features):
    s = np.asarray(style_features, dtype=np.float64)
    c = np.asarray(combination_features, dtype=np.float64)
    h, w, channels = s.shape
    fs, fc = s.reshape(-1, channels), c.reshape(-1, channels)
    diff = fs.T @ fs - fc.T @ fc
    return float(np.sum(diff**2) / (4.0 * channels**2 * (h * w) ** 2))


def content_loss(base_features, combination_features):
    b = np.asarray(base_features, dtype=np.float64)
    c = np.asarray(combination_features, dtype=np.float64)
    return float(np.sum((c - b) ** 2))
