"""What a stored result depends on besides the submission: the tests, the reference, the
assignment's config section, the limits in force, and the autograder's version."""

from __future__ import annotations

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


def tests_fingerprint(paths: AssignmentPaths, spec: Assignment, limits: Limits) -> str:
    """sha256 over the hidden and public test files, the reference solution, the config section (what
    grading depends on: not its title, due date or late policy) and limits."""
    h = hashlib.sha256()
    for label, root in (("hidden", paths.hidden_tests), ("public", paths.public_tests)):
        for f in _files(root):
            h.update(f"{label}/{f.relative_to(root).as_posix()}\0".encode())
            h.update(f.read_bytes())
            h.update(b"\0")
    if paths.solution.is_file():
        h.update(b"reference\0" + paths.solution.read_bytes() + b"\0")
    graded = spec.model_dump_json(exclude={"title", "due", "late_policy"})  # lateness is applied at export
    h.update(b"config\0" + graded.encode() + b"\0")
    h.update(b"limits\0" + limits.model_dump_json().encode())
    return h.hexdigest()


def _files(root: Path) -> list[Path]:
    if not root.is_dir():
        return []
    return sorted(p for p in root.rglob("*") if p.is_file() and not SKIP & set(p.relative_to(root).parts)
                  and p.suffix != ".pyc" and not p.name.startswith("."))
