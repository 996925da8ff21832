"""Run seeds for ``autograder audit``: vary everything a hidden test does not fix on purpose.

Normal grading never calls these (hypothesis stays derandomized, global RNGs untouched). A job with
a ``seed`` is graded with, in the grading worker where the hidden tests run, Python's ``random`` and
NumPy's global RNG reseeded, and every hypothesis test drawing its examples from that seed
(``hypothesis.seed`` overrides the profile's ``derandomize=True``, per job). A pool started with a
``seed`` starts its sandbox host with ``PYTHONHASHSEED`` and ``AUTOGRADER_SEED`` set to it
(``SandboxSettings.seed``): every child the host forks has that hash seed and, before it runs the
submission, seeds its global RNGs (``random``, NumPy, PyTorch) with it.
"""

from __future__ import annotations

import random
from collections.abc import Iterable

_hypothesis_seed: int | None = None  # the seed the hypothesis tests of this worker currently use


def seed_run(seed: int | None, items: Iterable[object]) -> None:
    """Before grading a job: reseed the worker's RNGs and hypothesis tests (``None``: production mode)."""
    global _hypothesis_seed
    if seed is not None:
        import numpy as np

        random.seed(seed)
        np.random.seed(seed % 2**32)
    if seed != _hypothesis_seed:
        import hypothesis

        for fn in hypothesis_tests(items):
            hypothesis.seed(seed)(fn)  # type: ignore[type-var]  # None restores the profile's derandomized examples
        _hypothesis_seed = seed


def hypothesis_tests(items: Iterable[object]) -> list[object]:
    """The distinct ``@given`` test functions behind pytest items."""
    found: dict[int, object] = {}
    for item in items:
        fn = getattr(getattr(item, "obj", None), "__func__", getattr(item, "obj", None))
        if getattr(fn, "is_hypothesis_test", False):
            found[id(fn)] = fn
    return list(found.values())
