# PyTorch throughout, in float32: filters on torch tensors (torch.topk for the cut, a sort for the nucleus),
# sequence_log_prob through log_softmax and gather on the float32 logits.
import numpy as np
import torch

torch.set_num_threads(1)


def top_k_filter(logits, k):
    if isinstance(k, bool) or not isinstance(k, (int, np.integer)) or k < 1:
        raise ValueError("k must be a positive integer")
    x = torch.as_tensor(np.asarray(logits, dtype=np.float32))
    kth = torch.topk(x, min(int(k), x.shape[-1]), dim=-1).values[..., -1:]
    return torch.where(x >= kth, x, torch.tensor(float("-inf")))


def top_p_filter(logits, p):
    if not 0 < p <= 1:
        raise ValueError("p must lie in (0, 1]")
    x = torch.as_tensor(np.asarray(logits, dtype=np.float32))
    if p == 1:
        return x.clone()
    probs = torch.softmax(x, dim=-1)
    # mass of the tokens strictly more likely than each token: compare every pair (V is small)
    more_likely = x.unsqueeze(-2) > x.unsqueeze(-1)  # [..., i, j]: token j strictly more likely than token i
    above = (more_likely * probs.unsqueeze(-2)).sum(dim=-1)
    return torch.where(above < p, x, torch.tensor(float("-inf")))


def sequence_log_prob(model, input_ids):
    ids = torch.as_tensor(np.asarray(input_ids), dtype=torch.long).reshape(1, -1)
    if ids.shape[1] < 2:
        return 0.0
    with torch.no_grad():
        log_probs = torch.log_softmax(model(ids).logits, dim=-1)
    return log_probs[0, :-1].gather(-1, ids[0, 1:, None]).sum().item()
