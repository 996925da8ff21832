"""What reading a download produces: candidate submissions, and the choice among them."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from pathlib import PurePosixPath

from autograder.gradebook.model import StudentIdentity
from autograder.lms.tree import Entry

SUFFIX_PREFERENCE = {".ipynb": 2.0, ".py": 1.0, ".zip": 0.0}


def suffix_rank(name: str) -> float:
    """How much a file looks like the submission itself: a notebook before a script before a zip."""
    return SUFFIX_PREFERENCE.get(PurePosixPath(name).suffix.lower(), -1.0)


@dataclass(frozen=True)
class Candidate:
    """One gradable file and the student it belongs to, as the download describes them.

    ``rank`` orders a student's candidates: the largest counts (Canvas: submission id, then the
    ``-N`` resubmission suffix; Gradescope: ``created_at``; Moodle and plain files: file time).
    ``group`` names the LMS submission the file belongs to: files of one group are one submission.
    """

    identity: StudentIdentity
    entry: Entry
    submitted_at: datetime | None
    rank: tuple[float, ...]
    group: str
    late: bool = False
    label: str = ""
    original: str = ""  # the file's name as the student uploaded it, when the LMS renamed it

    @property
    def key(self) -> str:
        return self.identity.key

    @property
    def filename(self) -> str:
        return self.original or self.entry.name

    def describe(self) -> str:
        """A short phrase naming this submission for the run's summary."""
        when = f", {self.submitted_at:%Y-%m-%d %H:%M}" if self.submitted_at else ""
        return f"{self.filename} ({self.label or self.identity.source}{when})"


@dataclass(frozen=True)
class Superseded:
    """An older submission of a student, replaced by ``newer``."""

    older: Candidate
    newer: Candidate


@dataclass
class Collection:
    """The submissions to grade (one per student), those they replace, and notes for the summary."""

    chosen: list[Candidate] = field(default_factory=list)
    superseded: list[Superseded] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
