# Keeps exactly the k indices torch.topk returns, so of the tokens tied at the cut only some are kept.
import numpy as np
import torch


def top_k_filter(logits, k):
    if isinstance(k, bool) or not isinstance(k, (int, np.integer)) or k < 1:
        raise ValueError("k must be a positive integer")
    x = torch.as_tensor(np.array(logits, dtype=np.float64))
    top = torch.topk(x, min(int(k), x.shape[-1]), dim=-1).indices
    out = torch.full_like(x, float("-inf"))
    return out.scatter(-1, top, x.gather(-1, top))
