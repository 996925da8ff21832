# Returns the negative log-likelihood (n - 1 times the model's loss), the sign flipped.
import numpy as np
import torch


def sequence_log_prob(model, input_ids):
    ids = torch.as_tensor(np.asarray(input_ids), dtype=torch.long).reshape(1, -1)
    n = ids.shape[1]
    if n < 2:
        return 0.0
    with torch.no_grad():
        loss = model(ids, labels=ids).loss
    return (n - 1) * float(loss)
