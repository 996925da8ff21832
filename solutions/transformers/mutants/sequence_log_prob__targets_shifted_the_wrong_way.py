# Shifts the wrong side: scores x_0 .. x_{n-2} with the logits at positions 0 .. n-2 (each token at its own position).
import numpy as np
import torch


def sequence_log_prob(model, input_ids):
    ids = torch.as_tensor(np.asarray(input_ids), dtype=torch.long).reshape(1, -1)
    if ids.shape[1] < 2:
        return 0.0
    with torch.no_grad():
        log_probs = torch.log_softmax(model(ids).logits[0].double(), dim=-1)
    return float(log_probs[:-1].gather(-1, ids[0, :-1, None]).sum())
