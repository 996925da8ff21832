# Calls model.double() for precision: nn.Module.double() converts the caller's model in place to float64.
import numpy as np
import torch


def sequence_log_prob(model, input_ids):
    ids = torch.as_tensor(np.asarray(input_ids), dtype=torch.long).reshape(1, -1)
    if ids.shape[1] < 2:
        return 0.0
    model = model.double()
    with torch.no_grad():
        log_probs = torch.log_softmax(model(ids).logits[0], dim=-1)
    return float(log_probs[:-1].gather(-1, ids[0, 1:, None]).sum())
