"""What a stored result depends on besides the submission, question by question.

A question's fingerprint hashes: the hidden test files that grade it (those that name it in a
``question("...")`` mark) and the shared ones (files that name no question: ``support.py``,
``__init__.py``), its public test file ``tests/<question>.py``, the reference solution, the parts of
the assignment's config section that grading reads (not its title, due date, late policy, warm imports,
which only change speed, or written questions, which tutors mark), the question's own entry, the limits
and the autograder's version. Editing one question's test file
changes that question's fingerprint only; editing a shared file, the reference or the limits changes
every question's. The whole assignment's fingerprint (``tests_hash``) hashes the questions'.
"""

from __future__ import annotations

import ast
import hashlib
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

from autograder.config import Assignment, AssignmentPaths, Limits

SKIP = {"__pycache__", ".ipynb_checkpoints", ".pytest_cache"}


def autograder_version() -> str:
    try:
        return version("autograder")
    except PackageNotFoundError:
        return "unknown"


def question_fingerprints(paths: AssignmentPaths, spec: Assignment, limits: Limits) -> dict[str, str]:
    """Each question's fingerprint (see the module docstring)."""
    hidden = {f: questions_named(f) for f in _files(paths.hidden_tests)}
    reference = paths.solution.read_bytes() if paths.solution.is_file() else b""
    common = hashlib.sha256()
    common.update(b"reference\0" + reference + b"\0")
    graded = spec.model_dump_json(exclude={"title", "due", "late_policy", "questions", "written", "warm_imports",
                                           "test_imports"})
    common.update(b"config\0" + graded.encode() + b"\0limits\0" + limits.model_dump_json().encode())
    common.update(b"version\0" + autograder_version().encode())
    out = {}
    for q, entry in spec.questions.items():
        h = common.copy()
        h.update(b"question\0" + q.encode() + b"\0" + entry.model_dump_json().encode() + b"\0")
        for f, named in hidden.items():
            if not named or q in named:
                h.update(f"hidden/{f.relative_to(paths.hidden_tests).as_posix()}\0".encode() + f.read_bytes() + b"\0")
        public = paths.public_tests / f"{q}.py"
        if public.is_file():
            h.update(b"public\0" + public.read_bytes() + b"\0")
        out[q] = h.hexdigest()
    return out


def combined(fingerprints: dict[str, str]) -> str:
    """The assignment's fingerprint: every question's, in order."""
    return hashlib.sha256("\n".join(f"{q}={f}" for q, f in fingerprints.items()).encode()).hexdigest()


def tests_fingerprint(paths: AssignmentPaths, spec: Assignment, limits: Limits) -> str:
    """The assignment's fingerprint (a change to anything any question depends on changes it)."""
    return combined(question_fingerprints(paths, spec, limits))


def questions_named(path: Path) -> set[str]:
    """The questions a test file names in ``question("...")`` marks (empty: a shared file)."""
    if path.suffix != ".py":
        return set()
    try:
        tree = ast.parse(path.read_text(errors="replace"))
    except (SyntaxError, ValueError):
        return set()
    named: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "question":
            named.update(a.value for a in node.args if isinstance(a, ast.Constant) and isinstance(a.value, str))
    return named


def _files(root: Path) -> list[Path]:
    if not root.is_dir():
        return []
    return sorted(p for p in root.rglob("*") if p.is_file() and not SKIP & set(p.relative_to(root).parts)
                  and p.suffix != ".pyc" and not p.name.startswith("."))
