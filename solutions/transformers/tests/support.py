"""Inputs, tolerances and the tests' tiny GPT-2 models for the transformers hidden tests.

The filters are graded against the reference on inputs built so that a float32 implementation reaches
the same decisions: no two logits tie at the top-k cut unless a test puts the tie there on purpose, and
every ``p`` lies at least ``P_MARGIN`` away from the mass above any token (float32 softmax errors are
below 1e-6). torch and transformers are imported only when a ``sequence_log_prob`` test needs a model.
"""

from __future__ import annotations

import functools

import numpy as np

from autograder.models import TinyGPT2
from autograder.testing.checks import Call, check_close, check_shape, result_array

RTOL = 1e-6  # kept logits: float32 rounds a float64 logit by at most 6e-8 relative
ATOL = 1e-9
P_MARGIN = 1e-3  # every p is this far from the mass of the tokens more likely than any token
# sequence_log_prob: float32 implementations (log_softmax, the model's loss, a loop over prefixes) were within
# 2.2e-7 relative of the float64 reference; off-by-one mistakes were 6e-3 and more away.
LOG_PROB_RTOL = 1e-5
LOG_PROB_ATOL = 1e-5

MODEL_A = {"vocab": 64, "seed": 1, "n_positions": 128}
MODEL_B = {"vocab": 50, "seed": 2, "n_positions": 128}


def check_filtered(actual, expected, call: Call, *, rtol: float = RTOL, atol: float = ATOL) -> np.ndarray:
    """Same shape, -inf exactly where the reference removed a token, kept logits within tolerance.

    The removed tokens are compared first and on their own: a tolerance relative to |-inf| accepts any number.
    """
    arr = result_array(actual, call)
    exp = np.asarray(expected, dtype=np.float64)
    check_shape(arr, exp.shape, call)
    got = arr.astype(np.float64)
    removed, got_removed = np.isneginf(exp), np.isneginf(got)
    for wrong, what in ((removed & ~got_removed, "a value other than -inf for a token it should remove"),
                        (~removed & got_removed, "-inf for a token it should keep")):
        if wrong.any():
            first = [int(i) for i in np.argwhere(wrong)[0]]
            raise AssertionError(f"{call} returned {what} ({int(wrong.sum())} of {got.size} tokens, first at index "
                                 f"{first})")
    return check_close(np.where(removed, 0.0, got), np.where(removed, 0.0, exp), call, rtol=rtol, atol=atol)


def check_kept_bit_for_bit(actual, logits32: np.ndarray, expected, call: Call) -> None:
    """float32 logits: the reference's tokens are kept, each returned exactly as passed (no arithmetic on them)."""
    check_filtered(actual, expected, call)
    out = result_array(actual, call).astype(np.float64)
    kept = np.isfinite(out)
    if not np.array_equal(out[kept], logits32[kept].astype(np.float64)):
        raise AssertionError(f"{call}: kept logits must be returned unchanged, bit for bit (float32 inputs)")


def random_logits(shape: tuple[int, ...], seed: int, scale: float = 2.0) -> np.ndarray:
    """Normal logits times ``scale`` (no ties, almost surely; the tests check it where it matters)."""
    return np.random.default_rng(seed).normal(size=shape) * scale


def mass_above(logits: np.ndarray) -> np.ndarray:
    """Per token, the total softmax probability of the tokens with a strictly larger logit (float64)."""
    x = np.asarray(logits, dtype=np.float64)
    e = np.exp(x - np.max(x, axis=-1, keepdims=True))
    probs = e / np.sum(e, axis=-1, keepdims=True)
    larger = x[..., None, :] > x[..., :, None]  # [..., i, j]: token j more likely than token i
    return np.sum(larger * probs[..., None, :], axis=-1)


def nucleus_p(logits: np.ndarray, preferred: tuple[float, ...]) -> float:
    """The first of ``preferred`` at least ``P_MARGIN`` away from every token's mass above."""
    masses = mass_above(logits)
    for p in preferred:
        if np.min(np.abs(masses - p)) >= P_MARGIN:
            return p
    raise AssertionError("no p with a safe margin for these logits; change the test's seed")  # test authors only


def kth_is_unique(logits: np.ndarray, k: int) -> bool:
    """Whether the k-th largest logit of every row occurs once in its row (no tie at the cut)."""
    x = np.atleast_2d(np.asarray(logits, dtype=np.float64))
    kth = np.sort(x, axis=-1)[:, -min(k, x.shape[-1])]
    return bool(np.all(np.sum(x == kth[:, None], axis=-1) == 1))


def token_ids(n: int, vocab: int, seed: int) -> np.ndarray:
    return np.random.default_rng(seed).integers(0, vocab, size=n)


@functools.cache
def _built(params: tuple[tuple[str, object], ...]):
    import torch

    torch.set_num_threads(1)
    return TinyGPT2(**dict(params)).build()


def reference_model(spec: TinyGPT2):
    """The grader's own copy of a spec's GPT-2 (built once per worker)."""
    return _built(tuple(sorted(spec.wire_params().items())))


class OnReferenceModels:
    """The reference with each portable spec replaced by the grader's copy of its model (for ``Call``-based checks)."""

    def __init__(self, reference) -> None:
        self._reference = reference

    def sequence_log_prob(self, model, input_ids):
        return self._reference.sequence_log_prob(reference_model(model), input_ids)
