"""What a grading session is given, and the error that stops it; no pytest here, so the commands
that only plan and store (``autograder grade``'s own process) start without importing it."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from autograder.config import Assignment, AssignmentPaths, Limits


class AuthorError(Exception):
    """The tests themselves are broken (collection error, missing markers); for course staff."""


@dataclass(frozen=True)
class Setup:
    """An assignment a grading session grades: where its files are, its config section and its limits."""

    paths: AssignmentPaths
    spec: Assignment
    limits: Limits

    def owns(self, path: Path) -> bool:
        """Whether a test file belongs to this assignment (its public or hidden tests)."""
        return path.is_relative_to(self.paths.public_tests) or path.is_relative_to(self.paths.hidden_tests)
