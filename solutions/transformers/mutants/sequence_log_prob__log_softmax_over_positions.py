# Takes log_softmax over the sequence axis (dim=1 of the (1, n, V) logits) instead of the vocabulary axis.
import numpy as np
import torch


def sequence_log_prob(model, input_ids):
    ids = torch.as_tensor(np.asarray(input_ids), dtype=torch.long).reshape(1, -1)
    if ids.shape[1] < 2:
        return 0.0
    with torch.no_grad():
        log_probs = torch.log_softmax(model(ids).logits.double(), dim=1)
    return float(log_probs[0, :-1].gather(-1, ids[0, 1:, None]).sum())
