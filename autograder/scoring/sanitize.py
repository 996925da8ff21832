"""A result made safe to store and show: every string valid UTF-8 without NUL and of bounded size,
every number finite, every score within its maximum. Applied to each result before it is committed,
and to each result read back from a gradebook (which an older version may have written)."""

from __future__ import annotations

import dataclasses
import math
from typing import Any

from autograder.scoring.results import QuestionResult, SubmissionResult, TestResult

MAX_OUTPUT = 4000  # a test's message
MAX_MESSAGE = 2000  # a notebook message or the error
MAX_MESSAGES = 100
MAX_NAME = 300  # test ids, names, keys, paths
REPLACEMENT = "\N{REPLACEMENT CHARACTER}"


def text(value: Any, limit: int) -> str:
    """``value`` as storable text: invalid code points (lone surrogates) and NUL replaced, at most ``limit``
    characters (a cut is marked)."""
    s = value if isinstance(value, str) else ("" if value is None else str(value))
    if not s.isascii():  # ASCII has no lone surrogates
        s = s.encode("utf-8", "replace").decode("utf-8")
    if "\x00" in s:
        s = s.replace("\x00", REPLACEMENT)
    return s if len(s) <= limit else s[:limit - 1] + "…"


def number(value: Any, low: float = 0.0, high: float = math.inf) -> float:
    """A finite number within ``[low, high]`` (``low`` for anything that is not one)."""
    try:
        x = float(value)
    except (TypeError, ValueError):
        return low
    return min(max(x, low), high) if math.isfinite(x) else low


def _test(t: TestResult) -> TestResult:
    max_score = number(t.max_score)
    return dataclasses.replace(t, test_id=text(t.test_id, MAX_NAME), name=text(t.name, MAX_NAME),
                               question=text(t.question, MAX_NAME), visibility=text(t.visibility, 40),
                               output=text(t.output, MAX_OUTPUT), max_score=max_score,
                               score=number(t.score, 0.0, max_score), duration=number(t.duration),
                               failure=text(t.failure, 40), passed=bool(t.passed), public=bool(t.public))


def _question(q: QuestionResult) -> QuestionResult:
    max_score = number(q.max_score)
    return dataclasses.replace(q, name=text(q.name, MAX_NAME), max_score=max_score,
                               score=number(q.score, 0.0, max_score), passed=int(number(q.passed)),
                               total=int(number(q.total)))


def sanitized(result: SubmissionResult, **changes: Any) -> SubmissionResult:
    """A cleaned copy of ``result`` (with ``changes`` applied first, e.g. another student's key)."""
    r = dataclasses.replace(result, **changes)
    return dataclasses.replace(
        r, submission=text(r.submission, MAX_NAME), path=text(r.path, 4 * MAX_NAME),
        assignment=text(r.assignment, MAX_NAME), tests=[_test(t) for t in r.tests],
        questions=[_question(q) for q in r.questions],
        messages=[text(m, MAX_MESSAGE) for m in list(r.messages)[:MAX_MESSAGES]],
        error=None if r.error is None else text(r.error, MAX_MESSAGE), lost=bool(r.lost),
        student_seconds=number(r.student_seconds), test_seconds=number(r.test_seconds),
        wall_seconds=number(r.wall_seconds), isolation=text(r.isolation, 40))
