"""Failures across a class: messages grouped once numbers and array text are taken out, and students
grouped by the exact set of tests they failed (their failure signature)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from autograder.gradebook.model import GradedSubmission

SPECIAL = re.compile(r"\b(?:nan|NaN|inf|Inf|-inf)\b")
ARRAY_CHARS = frozenset(" \t\n\r\f\v0123456789.,eE+-[]")
NUMBER = re.compile(r"(?<![A-Za-z_\d.])[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?")
NUMBER_RUN = re.compile(r"#(?:\s*,\s*#)+")
MAX_PATTERN = 400
MAX_INPUT = 4000  # what the gradebook stores of a message


def arrays_elided(text: str) -> str:
    r"""``text`` with every bracketed run of numbers (``[1, 2.5e-3, [4]]``) replaced by ``[...]``, in one pass.

    From a ``[``, the run of number characters (digits, signs, dots, commas, exponents, brackets, spaces)
    is taken up to its last ``]``, provided a digit comes before it: the same as the greedy pattern
    ``\[[number chars]*\d[number chars]*\]``, without the backtracking that made that pattern take
    seconds on a crafted message.
    """
    n = len(text)
    run_end = [0] * (n + 1)  # run_end[i]: first index >= i that is not a number character
    last_close = [-1] * (n + 1)  # last_close[i]: last ']' at an index < i
    digits = [0] * (n + 1)  # digits[i]: digits among text[:i]
    run_end[n] = n
    for i in range(n - 1, -1, -1):
        run_end[i] = run_end[i + 1] if text[i] in ARRAY_CHARS else i
    for i, ch in enumerate(text):
        last_close[i + 1] = i if ch == "]" else last_close[i]
        digits[i + 1] = digits[i] + ch.isdigit()
    out, i = [], 0
    while i < n:
        if text[i] == "[":
            close = last_close[run_end[i + 1]] if i + 1 <= n else -1
            if close > i and digits[close] - digits[i + 1] > 0:
                out.append("[...]")
                i = close + 1
                continue
        out.append(text[i])
        i += 1
    return "".join(out)


def normalise(message: str) -> str:
    """``message`` with arrays as ``[...]``, numbers as ``#`` and runs of them (shapes of any rank) as
    ``#, ...``, whitespace collapsed: the same mistake with other values reads the same. Linear in the
    message's length (which is capped first)."""
    text = SPECIAL.sub("0", message[:MAX_INPUT])
    text = arrays_elided(text)
    text = NUMBER.sub("#", text)
    text = NUMBER_RUN.sub("#, ...", text)
    text = " ".join(text.split())
    return text if len(text) <= MAX_PATTERN else text[:MAX_PATTERN - 3] + "..."


@dataclass
class CommonFailure:
    """One normalised message of one question: who got it, on which tests, and one raw example."""

    pattern: str
    example: str
    students: set[str] = field(default_factory=set)
    failures: int = 0
    tests: set[str] = field(default_factory=set)


def common_failures(graded: list[GradedSubmission], question: str, limit: int = 5) -> list[CommonFailure]:
    """The question's most common failure messages, by students then failures."""
    found: dict[str, CommonFailure] = {}
    for g in graded:
        for t in g.result.tests:
            if t.question != question or t.passed:
                continue
            pattern = normalise(t.output)
            entry = found.setdefault(pattern, CommonFailure(pattern, t.output))
            entry.students.add(g.student.key)
            entry.failures += 1
            entry.tests.add(t.test_id)
    ranked = sorted(found.values(), key=lambda f: (-len(f.students), -f.failures, f.pattern))
    return ranked[:limit]


@dataclass(frozen=True)
class FailedTest:
    test_id: str
    name: str
    question: str


@dataclass
class SignatureGroup:
    """Students who failed exactly the same tests, with one member's message for each."""

    failed: list[FailedTest]
    students: list[GradedSubmission] = field(default_factory=list)
    examples: dict[str, str] = field(default_factory=dict)  # test id -> first member's output

    @property
    def size(self) -> int:
        return len(self.students)


def signature_groups(graded: list[GradedSubmission]) -> list[SignatureGroup]:
    """Groups by failure signature, largest first, then fewest failed tests, then first seen; the empty
    signature is everyone who failed nothing."""
    groups: dict[frozenset[str], SignatureGroup] = {}
    for g in graded:
        failed = [t for t in g.result.tests if not t.passed]
        key = frozenset(t.test_id for t in failed)
        if key not in groups:
            groups[key] = SignatureGroup([FailedTest(t.test_id, t.name, t.question) for t in failed],
                                         examples={t.test_id: t.output for t in failed})
        groups[key].students.append(g)
    return sorted(groups.values(), key=lambda grp: (-grp.size, len(grp.failed)))
