# Reads every token from the logits of the last position only (the next-token logits used for generation).
import numpy as np
import torch


def sequence_log_prob(model, input_ids):
    ids = torch.as_tensor(np.asarray(input_ids), dtype=torch.long).reshape(1, -1)
    if ids.shape[1] < 2:
        return 0.0
    with torch.no_grad():
        log_probs = torch.log_softmax(model(ids).logits[0, -1].double(), dim=-1)
    return float(log_probs[ids[0, 1:]].sum())
