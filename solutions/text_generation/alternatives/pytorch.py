# PyTorch ops (float32 softmax returning a torch.Tensor, torch.argmax, torch.topk over beams x vocabulary).
import numpy as np
import torch

torch.set_num_threads(1)


def softmax_temperature(logits, temperature=1.0):
    if temperature <= 0:
        raise ValueError("temperature must be positive")
    z = torch.as_tensor(np.asarray(logits), dtype=torch.float32)
    return torch.softmax(z / temperature, dim=-1)


def sample_next_token(logits, temperature, rng):
    if temperature < 0:
        raise ValueError("temperature must be >= 0")
    z = torch.as_tensor(np.asarray(logits), dtype=torch.float32)
    if temperature == 0:
        return int(torch.argmax(z))
    p = torch.softmax(z / temperature, dim=-1).double()
    p = (p / p.sum()).numpy()
    return int(rng.choice(len(p), p=p))


def beam_search(next_log_probs, prompt, beam_width, max_new_tokens, eos_id=None):
    if beam_width < 1:
        raise ValueError("beam_width must be >= 1")
    prompt = tuple(int(t) for t in prompt)
    if max_new_tokens == 0:
        return [(prompt, 0.0)]
    seqs = [prompt]
    scores = torch.zeros(1, dtype=torch.float32)
    finished = []
    for step in range(max_new_tokens):
        lp = torch.stack([torch.as_tensor(np.asarray(next_log_probs(s)), dtype=torch.float32) for s in seqs])
        vocab = lp.shape[1]
        total = (scores[:, None] + lp).reshape(-1)
        n_finite = int(torch.isfinite(total).sum())
        if n_finite == 0:
            break
        values, indices = torch.topk(total, k=min(2 * beam_width, n_finite), sorted=True)
        last = step == max_new_tokens - 1
        new_seqs, new_scores = [], []
        for rank, (value, idx) in enumerate(zip(values.tolist(), indices.tolist())):
            beam, token = divmod(idx, vocab)
            is_eos = eos_id is not None and token == eos_id
            if rank < beam_width and (last or is_eos):
                finished.append((seqs[beam] + (token,), value))
            if not is_eos and len(new_seqs) < beam_width:
                new_seqs.append(seqs[beam] + (token,))
                new_scores.append(value)
        if not new_seqs:
            break
        seqs, scores = new_seqs, torch.tensor(new_scores, dtype=torch.float32)
    finished.sort(key=lambda c: -c[1])
    return finished[:beam_width]
