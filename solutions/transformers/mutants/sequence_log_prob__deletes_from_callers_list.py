# Makes the targets by deleting the first id from the caller's list (an alias, not a copy): the input is modified.
import numpy as np
import torch


def sequence_log_prob(model, input_ids):
    ids = input_ids if isinstance(input_ids, list) else list(np.asarray(input_ids).reshape(-1))
    if len(ids) < 2:
        return 0.0
    with torch.no_grad():
        log_probs = torch.log_softmax(model(torch.tensor([ids])).logits[0].double(), dim=-1)
    targets = ids
    del targets[0]
    return float(log_probs[:-1].gather(-1, torch.tensor(targets)[:, None]).sum())
