"""Goodness-of-fit checks for stochastic stubs, with a stated false-failure probability.

A correct implementation run with a fixed seed gives the same draws every time, so each verdict
is deterministic; ``alpha`` bounds the chance that a correct implementation and seed pair fails.
Every check first validates its sample (count, shape, type, finiteness): a NaN makes every "above
the limit" comparison false, so an unvalidated NaN would pass any test.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from scipy import special

DEFAULT_ALPHA = 1e-6
MIN_ROWS = 100  # a normality check on fewer rows proves nothing


def chi_square_pvalue(counts: np.ndarray, probs: np.ndarray, min_expected: float = 5.0) -> float:
    """Pearson's chi-square p-value, pooling cells whose expected count is below ``min_expected``."""
    counts = np.asarray(counts, dtype=np.float64)
    probs = np.asarray(probs, dtype=np.float64)
    if counts.shape != probs.shape or counts.ndim != 1 or not (np.isfinite(counts).all() and np.isfinite(probs).all()):
        raise AssertionError("the counts are not finite numbers, one per category")
    if (counts < 0).any():
        raise AssertionError("a count is negative")
    n = counts.sum()
    expected = probs * n
    keep = expected >= min_expected
    obs = list(counts[keep])
    exp = list(expected[keep])
    if (~keep).any() and expected[~keep].sum() > 0:
        obs.append(counts[~keep].sum())
        exp.append(expected[~keep].sum())
    if len(obs) < 2:
        return 1.0
    o, e = np.asarray(obs), np.asarray(exp)
    return float(special.chdtrc(len(o) - 1, np.sum((o - e) ** 2 / e)))


def token_ids(draws: Any, what: str, count: int | None = None) -> np.ndarray:
    """The draws as a 1-D int64 array of ``count`` whole numbers; a clear failure for anything else."""
    try:
        raw = np.asarray(draws)
    except (TypeError, ValueError):
        raise AssertionError(f"{what}: the draws are not a list of token ids") from None
    if raw.ndim != 1 or raw.dtype.kind not in "iuf" or raw.dtype == bool:
        raise AssertionError(f"{what}: the draws are not a list of token ids (got {raw.dtype} of shape {raw.shape})")
    if count is not None and raw.size != count:
        raise AssertionError(f"{what}: {raw.size} draws came back instead of {count}")
    if raw.size == 0:
        raise AssertionError(f"{what}: no draws came back")
    if raw.dtype.kind == "f" and (not np.isfinite(raw).all() or (raw != np.round(raw)).any()):
        raise AssertionError(f"{what}: some draws are not whole token ids (NaN, infinity or fractions)")
    return raw.astype(np.int64)


def check_categorical(draws: Any, probs: np.ndarray, what: str, alpha: float = DEFAULT_ALPHA,
                      count: int | None = None) -> None:
    """Draws (token ids) follow ``probs``; a draw of a probability-0 token fails at once. ``count``: how many
    draws were asked for."""
    v = len(probs)
    ids = token_ids(draws, what, count)
    if ids.size and (ids.min() < 0 or ids.max() >= v):
        bad = ids[(ids < 0) | (ids >= v)][0]
        raise AssertionError(f"{what} returned token id {bad}, outside the vocabulary 0..{v - 1}")
    counts = np.bincount(ids, minlength=v)
    impossible = np.flatnonzero((np.asarray(probs) == 0) & (counts > 0))
    if impossible.size:
        raise AssertionError(f"{what} drew token {impossible[0]}, whose probability is 0 (a -inf logit)")
    p = chi_square_pvalue(counts, probs)
    if p < alpha:
        top = np.argsort(-counts)[:3]
        freq = ", ".join(f"token {t}: {counts[t] / len(ids):.3f}" for t in top)
        raise AssertionError(f"{what}: the {len(ids)} draws do not follow softmax(logits / temperature) "
                             f"(chi-square p = {p:.1e}; most frequent {freq})")


def check_standard_normal(u: np.ndarray, what: str, z_limit: float = 5.5, ks_alpha: float = 5e-7,
                          rows: int | None = None) -> None:
    """Rows of ``u`` (shape (N, D), N large) look like independent standard normal draws.

    Four z-tests at ``z_limit`` (two-sided p = 3.8e-8 each at 5.5) and a KS test at ``ks_alpha``:
    a correct implementation fails with probability below 1e-6 in total. ``rows``: how many were asked for.
    """
    try:
        u = np.asarray(u, dtype=np.float64)
    except (TypeError, ValueError):
        raise AssertionError(f"{what}: the sample is not an array of numbers") from None
    if u.ndim != 2 or u.shape[0] < MIN_ROWS:
        raise AssertionError(f"{what}: the sample has shape {u.shape}; expected (N, D) with N >= {MIN_ROWS}")
    if rows is not None and u.shape[0] != rows:
        raise AssertionError(f"{what}: the sample has {u.shape[0]} rows instead of {rows}")
    if not np.isfinite(u).all():
        raise AssertionError(f"{what}: the sample contains NaN or infinite values")
    n, d = u.shape
    mean_z = np.abs(u.mean(axis=0)) * np.sqrt(n)
    if (mean_z > z_limit).any():
        raise AssertionError(f"{what}: the noise does not have mean 0 (z = {mean_z.max():.1f})")
    var_z = np.abs(u.var(axis=0, ddof=1) - 1.0) / np.sqrt(2.0 / (n - 1))
    if (var_z > z_limit).any():
        raise AssertionError(f"{what}: the spread is wrong: (z - mean) / exp(0.5 * log_var) should have variance 1 "
                             f"(measured {u.var(axis=0, ddof=1).round(3).tolist()})")
    if d > 1:
        corr = np.corrcoef(u[:, 0], u[:, 1])[0, 1]
        if abs(corr) * np.sqrt(n) > z_limit:
            raise AssertionError(f"{what}: the noise of different latent dimensions is correlated ({corr:.3f})")
    lag = np.corrcoef(u[:-1, 0], u[1:, 0])[0, 1]
    if abs(lag) * np.sqrt(n) > z_limit or np.any(np.all(u[1:] == u[:-1], axis=1)):
        raise AssertionError(f"{what}: rows reuse the same noise; draw independent noise for every row")
    from scipy import stats  # a second of import time, paid only where it is used

    p = stats.kstest(u.ravel()[: 20000], "norm").pvalue
    if p < ks_alpha:
        raise AssertionError(f"{what}: the noise is not normally distributed (KS p = {p:.1e})")
