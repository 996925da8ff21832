"""Oracle test: the ``transformers`` reference agrees with Hugging Face.

- ``top_k_filter`` and ``top_p_filter`` (``solutions/transformers/solution.py``) equal ``TopKLogitsWarper`` and
  ``TopPLogitsWarper`` (``min_tokens_to_keep=1``, from ``transformers.generation.logits_process``) on seeded random
  batches ``(B, V)``, some with ``-inf`` logits, as the spec says they must wherever no two logits tie at the cut.
  The warpers run on float64 tensors; a top-p case whose ``p`` lies within 1e-9 of the mass above some token
  (where float rounding could decide) is skipped, and so is a top-k case with a tie at the cut. The test counts
  the cases it compared and requires most of them.
- ``sequence_log_prob`` equals an independent computation: ``-(n - 1) * model(ids, labels=ids).loss`` (Hugging
  Face's own shifted cross-entropy, a mean over the ``n - 1`` predictions), on tiny random-weight GPT-2 models.
"""

from __future__ import annotations

import importlib.util
from pathlib import Path

import numpy as np
import pytest
import torch
from transformers.generation.logits_process import TopKLogitsWarper, TopPLogitsWarper

from autograder.models import TinyGPT2

torch.set_num_threads(1)

ROOT = Path(__file__).resolve().parents[1]
SOLUTION = ROOT / "solutions" / "transformers" / "solution.py"
CASES = 300
P_MARGIN = 1e-9


def _load_reference():
    spec = importlib.util.spec_from_file_location("_transformers_reference_for_oracle", SOLUTION)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


ref = _load_reference()


def random_batch(rng: np.random.Generator) -> np.ndarray:
    """(B, V) logits on a random scale, a quarter of the batches with a few -inf (masked) tokens."""
    b, v = int(rng.integers(1, 5)), int(rng.integers(2, 60))
    x = rng.normal(size=(b, v)) * rng.choice([0.3, 1.0, 3.0, 10.0])
    if rng.random() < 0.25 and v > 2:
        masked = rng.random(size=(b, v)) < 0.2
        masked[:, 0] = False  # every row keeps a finite logit
        x[masked] = -np.inf
    return x


def hf(warper, x: np.ndarray) -> np.ndarray:
    ids = torch.zeros((x.shape[0], 1), dtype=torch.long)
    return warper(ids, torch.tensor(x, dtype=torch.float64)).numpy()


def tie_at_the_cut(x: np.ndarray, k: int) -> bool:
    kth = np.sort(x, axis=-1)[:, -min(k, x.shape[-1])]
    return bool(np.any(np.sum(x == kth[:, None], axis=-1) > 1))


def near_the_boundary(x: np.ndarray, p: float) -> bool:
    e = np.exp(x - x.max(axis=-1, keepdims=True))
    probs = e / e.sum(axis=-1, keepdims=True)
    above = np.sum((x[:, None, :] > x[:, :, None]) * probs[:, None, :], axis=-1)
    return bool(np.any(np.abs(above - p) < P_MARGIN))


def compare(seed: int, draw, warper, ours, skip) -> int:
    """Random batches with a parameter from ``draw``: ours equals the warper; returns how many were compared."""
    rng = np.random.default_rng(seed)
    compared = 0
    for _ in range(CASES):
        x = random_batch(rng)
        param = draw(rng, x)
        if skip(x, param):
            continue
        got = np.asarray(ours(x, param))
        assert got.shape == x.shape and np.array_equal(got, hf(warper(param), x)), (x.tolist(), param)
        compared += 1
    return compared


def test_top_k_filter_equals_hugging_face_top_k_warper():
    compared = compare(20261204, lambda rng, x: int(rng.integers(1, x.shape[-1] + 3)),
                       lambda k: TopKLogitsWarper(top_k=k, min_tokens_to_keep=1), ref.top_k_filter, tie_at_the_cut)
    assert compared > 0.8 * CASES, compared


def test_top_p_filter_equals_hugging_face_top_p_warper():
    def skip(x, p):  # p = 1: the warper removes tokens of probability 0, the spec returns the logits unchanged
        return near_the_boundary(x, p) or (p == 1.0 and bool(np.isinf(x).any()))

    compared = compare(20261205, lambda rng, x: float(rng.choice([rng.uniform(0.01, 1.0), 1.0, 1e-6])),
                       lambda p: TopPLogitsWarper(top_p=p, min_tokens_to_keep=1), ref.top_p_filter, skip)
    assert compared > 0.7 * CASES, compared


def test_top_p_ties_are_where_the_spec_departs_from_hugging_face():
    """The one documented difference: tied tokens straddling p are all kept; the warper keeps only some."""
    x = np.array([[0.0, 2.0, 1.0, 1.0, 1.0, -1.0]])
    expected_spec = np.array([[-np.inf, 2.0, 1.0, 1.0, 1.0, -np.inf]])
    assert np.array_equal(ref.top_p_filter(x, 0.6), expected_spec)
    assert np.isfinite(hf(TopPLogitsWarper(top_p=0.6), x)).sum() == 3  # 2.0 and two of the three 1.0s


@pytest.mark.parametrize(("vocab", "seed", "n"), [(64, 1, 2), (64, 1, 17), (64, 3, 120), (50, 2, 40), (7, 4, 30)])
def test_sequence_log_prob_equals_the_models_own_loss(vocab, seed, n):
    model = TinyGPT2(vocab=vocab, seed=seed, n_positions=128).build()
    ids = np.random.default_rng(seed * 1000 + n).integers(0, vocab, size=n)
    t = torch.tensor(ids[None, :])
    with torch.no_grad():
        independent = -(n - 1) * float(model(t, labels=t).loss)
    assert ref.sequence_log_prob(model, ids) == pytest.approx(independent, rel=1e-5, abs=1e-5)
    assert ref.sequence_log_prob(model, ids[:1]) == 0.0
