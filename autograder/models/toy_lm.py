"""A deterministic toy language model for decoding tests, evaluated on the child's side.

A test's ordinary callable crosses the sandbox boundary as a callback: every call from the student's
code is a round trip to the grader (about 0.15 ms). A decoding algorithm asks its language model
once per hypothesis and step, thousands of times per submission, so this model crosses as a few
numbers instead and the child rebuilds it. Nothing is lost by letting the child run it: the grader
computes the expected answer with its own instance, so a submission that tampers with its copy only
changes its own output.
"""

from __future__ import annotations

import functools
import zlib
from typing import Any

import numpy as np

from autograder.models.portable import register


def log_softmax(z: Any) -> np.ndarray:
    """log(softmax(z)) in float64; -inf entries stay -inf."""
    z = np.asarray(z, dtype=np.float64)
    m = np.max(z[np.isfinite(z)]) if np.isfinite(z).any() else 0.0
    e = np.exp(z - m)
    return z - m - np.log(e.sum())


def as_sequence(seq: Any) -> tuple[int, ...]:
    """A token sequence as the student passed it (tuple, list, array or tensor) -> tuple of ints."""
    if type(seq) in (tuple, list) and all(type(t) is int for t in seq):
        return tuple(seq)
    return tuple(int(t) for t in np.asarray(seq).ravel())


@functools.lru_cache(maxsize=16384)
def _toy_log_probs(vocab: int, seed: int, scale: float, eos: int | None, eos_bias: float,
                   masked: tuple[int, ...], key: tuple[int, ...]) -> np.ndarray:
    digest = zlib.crc32(np.asarray(key, dtype=np.int64).tobytes())
    logits = np.random.default_rng([seed, digest, len(key)]).normal(size=vocab) * scale
    if eos is not None:
        logits[eos] += eos_bias
    logits[list(masked)] = -np.inf
    out = log_softmax(logits)
    out.flags.writeable = False
    return out


@register
class ToyLM:
    """A deterministic language model: the next-token distribution depends on the whole prefix.

    Distinct prefixes get independent pseudo-random logits, so distinct hypotheses never tie.
    ``eos_bias`` makes the end-of-sequence token likely; ``masked`` tokens get log-prob -inf.
    Results are cached (every beam search of a batch asks for the same prefixes).
    """

    wire_name = "toy_lm"
    __name__ = "next_log_probs"

    def __init__(self, vocab: int, seed: int, scale: float = 2.0, eos: int | None = None,
                 eos_bias: float = 0.0, masked: tuple[int, ...] = ()) -> None:
        self.vocab, self.seed, self.scale = int(vocab), int(seed), float(scale)
        self.eos = None if eos is None else int(eos)
        self.eos_bias, self.masked = float(eos_bias), tuple(int(m) for m in masked)

    def wire_params(self) -> dict[str, Any]:
        return {"vocab": self.vocab, "seed": self.seed, "scale": self.scale, "eos": self.eos,
                "eos_bias": self.eos_bias, "masked": self.masked}

    def build(self) -> ToyLM:
        """The model is its own live object (a plain callable)."""
        return self

    def __call__(self, seq: Any) -> np.ndarray:
        return _toy_log_probs(self.vocab, self.seed, self.scale, self.eos, self.eos_bias, self.masked,
                              as_sequence(seq)).copy()

    def __repr__(self) -> str:
        return "next_log_probs"
