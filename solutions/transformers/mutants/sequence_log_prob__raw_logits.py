# Sums the raw logits of the tokens, never normalising them with log_softmax.
import numpy as np
import torch


def sequence_log_prob(model, input_ids):
    ids = torch.as_tensor(np.asarray(input_ids), dtype=torch.long).reshape(1, -1)
    if ids.shape[1] < 2:
        return 0.0
    with torch.no_grad():
        logits = model(ids).logits[0].double()
    return float(logits[:-1].gather(-1, ids[0, 1:, None]).sum())
