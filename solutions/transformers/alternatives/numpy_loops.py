# Plain Python and NumPy loops, row by row: sorted() for the cut, a running sum over groups of tied tokens for
# the nucleus; sequence_log_prob asks the model once per position, on the prefix only.
import numpy as np
import torch


def top_k_filter(logits, k):
    if isinstance(k, bool) or not isinstance(k, (int, np.integer)) or k < 1:
        raise ValueError("k must be a positive integer")
    x = np.array(logits, dtype=np.float64)
    rows = x.reshape(-1, x.shape[-1])  # a view: filling rows fills x
    for row in rows:
        cut = sorted(row, reverse=True)[min(int(k), len(row)) - 1]
        row[row < cut] = -np.inf
    return x


def top_p_filter(logits, p):
    if not 0 < p <= 1:
        raise ValueError("p must lie in (0, 1]")
    x = np.array(logits, dtype=np.float64)
    rows = x.reshape(-1, x.shape[-1])  # a view: filling rows fills x
    if p == 1:
        return x
    for row in rows:
        probs = np.exp(row - row.max())
        probs /= probs.sum()
        above, kept = 0.0, set()
        for value in sorted(set(row.tolist()), reverse=True):
            group = row == value
            if above < p:
                kept.add(value)
            above += probs[group].sum()
        row[[v not in kept for v in row.tolist()]] = -np.inf
    return x


def sequence_log_prob(model, input_ids):
    ids = [int(t) for t in np.asarray(input_ids).reshape(-1)]
    total = 0.0
    with torch.no_grad():
        for t in range(1, len(ids)):
            logits = model(torch.tensor([ids[:t]])).logits[0, -1]
            total += float(torch.log_softmax(logits, dim=-1)[ids[t]])
    return total
