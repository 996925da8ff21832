# Sums over the positions of the (1, n - 1) batch only and returns a tensor of shape (1,), not a single float.
import numpy as np
import torch


def sequence_log_prob(model, input_ids):
    ids = torch.as_tensor(np.asarray(input_ids), dtype=torch.long).reshape(1, -1)
    if ids.shape[1] < 2:
        return torch.zeros(1)
    with torch.no_grad():
        log_probs = torch.log_softmax(model(ids).logits.double(), dim=-1)
    return log_probs[:, :-1].gather(-1, ids[:, 1:, None]).squeeze(-1).sum(dim=-1)
