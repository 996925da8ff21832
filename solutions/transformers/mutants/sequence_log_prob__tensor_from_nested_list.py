# Builds the batch with torch.tensor([input_ids]): works for a list or an array, fails for a torch.Tensor of ids.
import numpy as np
import torch


def sequence_log_prob(model, input_ids):
    ids = torch.tensor([input_ids], dtype=torch.long)
    if ids.shape[1] < 2:
        return 0.0
    with torch.no_grad():
        log_probs = torch.log_softmax(model(ids).logits[0].double(), dim=-1)
    return float(log_probs[:-1].gather(-1, ids[0, 1:, None]).sum())
