"""The pytest plugin that grades: markers, the ``student`` fixture, and student-safe failure messages.

Markers on hidden tests (module-level ``pytestmark`` or per test):
``@pytest.mark.question("softmax_temperature")`` (required), ``@pytest.mark.points(2)`` (weight,
default 1), ``@pytest.mark.visibility("after_due_date")`` (default: the assignment's
``hidden_visibility``). A test's first docstring line is what the student reads as its name.

Failure output never shows test code or pytest's assertion introspection (which would print the
expected value): only the ``StudentError`` feedback, or the message an author gave ``assert``.
"""

from __future__ import annotations

import inspect
from dataclasses import dataclass

import pytest

from autograder.testing.outcome import Failure
from autograder.testing.proxy import (
    MissingFunction,
    NotImplementedStub,
    SandboxSetupError,
    Student,
    StudentCrash,
    StudentError,
    StudentTimeout,
)

_current: Student | None = None

MARKERS = (
    "question(name): the question (student function) this test grades",
    "points(weight): the test's weight within its question (default 1)",
    "visibility(kind): visible, hidden, after_due_date or after_published",
    "public: a public test, shipped to students",
)


def current_student() -> Student:
    if _current is None:
        raise RuntimeError("no submission is being graded")
    return _current


def set_current_student(student: Student | None) -> None:
    global _current
    _current = student


@dataclass(frozen=True)
class TestMeta:
    test_id: str
    name: str
    question: str
    weight: float
    visibility: str
    public: bool


def describe(item: pytest.Item, hidden_visibility: str, public_visibility: str) -> TestMeta:
    """Read an item's markers into its grading metadata; raises ValueError for an author's mistake."""
    q = item.get_closest_marker("question")
    if q is None or not q.args:
        raise ValueError(f"{item.nodeid}: every test needs @pytest.mark.question('<function name>')")
    p = item.get_closest_marker("points")
    weight = float(p.args[0]) if p and p.args else 1.0
    if weight <= 0:
        raise ValueError(f"{item.nodeid}: points must be positive")
    public = item.get_closest_marker("public") is not None
    v = item.get_closest_marker("visibility")
    visibility = v.args[0] if v and v.args else (public_visibility if public else hidden_visibility)
    if visibility not in ("visible", "hidden", "after_due_date", "after_published"):
        raise ValueError(f"{item.nodeid}: unknown visibility {visibility!r}")
    description = getattr(item, "description", None)
    if description is None:
        fn = getattr(item, "function", None)
        doc = inspect.getdoc(fn) if fn is not None else None
        description = doc.splitlines()[0] if doc else item.originalname.removeprefix("test_").replace("_", " ") \
            if hasattr(item, "originalname") else item.name
    param = getattr(item, "callspec", None)
    name = f"{q.args[0]}: {description}" + (f" [{param.id}]" if param is not None else "")
    test_id = ("public/" if public else "hidden/") + item.nodeid.split("/tests/", 1)[-1]
    return TestMeta(test_id, name, str(q.args[0]), weight, visibility, public)


def failure_kind(excinfo: pytest.ExceptionInfo | None) -> Failure:
    """Why a test failed, from the exception it ended with."""
    exc = excinfo.value if excinfo is not None else None
    if isinstance(exc, NotImplementedStub):
        return "not_implemented"
    if isinstance(exc, MissingFunction):
        return "missing"
    if isinstance(exc, StudentTimeout):
        return "timeout"
    if isinstance(exc, SandboxSetupError):
        return "grader"
    if isinstance(exc, StudentError):
        if exc.info.kind in ("memory", "exit"):
            return "memory" if exc.info.kind == "memory" else "exit"
        return "crash" if isinstance(exc, StudentCrash) else "exception"
    if isinstance(exc, pytest.skip.Exception):
        return "not_run"
    return "assertion"


def failure_text(excinfo: pytest.ExceptionInfo | None, description: str) -> str:
    """What the student reads when a test fails."""
    if excinfo is None:
        return "failed"
    exc = excinfo.value
    if isinstance(exc, StudentError):
        return exc.feedback
    if isinstance(exc, AssertionError):
        return str(exc) or f"check failed: {description}"
    if isinstance(exc, pytest.fail.Exception):
        return str(exc.msg) if hasattr(exc, "msg") else str(exc)
    if isinstance(exc, pytest.skip.Exception):
        return f"not run: {exc}"
    text = str(exc).splitlines()[0][:300] if str(exc) else ""
    return f"your result could not be checked ({type(exc).__name__}{': ' + text if text else ''})"


@pytest.fixture
def student() -> Student:
    """The submission being graded; ``student.<function>(...)`` runs in the sandbox."""
    return current_student()
