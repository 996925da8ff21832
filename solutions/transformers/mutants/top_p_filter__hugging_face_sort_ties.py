# Hugging Face's TopPLogitsWarper verbatim (ascending sort, cumsum <= 1 - p): of tied tokens only some are kept.
import numpy as np
import torch


def top_p_filter(logits, p):
    if not 0 < p <= 1:
        raise ValueError("p must lie in (0, 1]")
    scores = torch.as_tensor(np.array(logits, dtype=np.float64))
    if p == 1:
        return scores
    rows = scores.reshape(-1, scores.shape[-1])
    sorted_logits, sorted_indices = torch.sort(rows, descending=False)
    cumulative_probs = sorted_logits.softmax(dim=-1).cumsum(dim=-1)
    sorted_indices_to_remove = cumulative_probs <= (1 - p)
    sorted_indices_to_remove[..., -1:] = 0
    indices_to_remove = sorted_indices_to_remove.scatter(1, sorted_indices, sorted_indices_to_remove)
    return rows.masked_fill(indices_to_remove, float("-inf")).reshape(scores.shape)
