# Multiplies the model's mean loss by n instead of n - 1, as if the first token were predicted too.
import numpy as np
import torch


def sequence_log_prob(model, input_ids):
    ids = torch.as_tensor(np.asarray(input_ids), dtype=torch.long).reshape(1, -1)
    if ids.shape[1] < 2:
        return 0.0
    with torch.no_grad():
        loss = model(ids, labels=ids).loss
    return -ids.shape[1] * float(loss)
