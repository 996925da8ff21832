"""Who submitted what: the data the gradebook stores and the exports, feedback and report read."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from autograder.scoring.late import after_penalty
from autograder.scoring.results import SubmissionResult


@dataclass(frozen=True)
class StudentIdentity:
    """A student as the LMS download names them; ``key`` is the gradebook's stable id."""

    key: str
    name: str = ""
    email: str = ""
    login: str = ""  # Canvas login / SIS login id, Gradescope email
    lms_id: str = ""  # Canvas user id, Moodle participant id, Gradescope user id
    sis_id: str = ""
    section: str = ""
    source: str = "files"  # files, canvas, moodle, gradescope


@dataclass
class GradedSubmission:
    """The submission that counts for a student (the latest), with its result and lateness."""

    student: StudentIdentity
    result: SubmissionResult
    submitted_at: datetime | None = None
    days_late: float = 0.0  # 0 when on time or when the assignment has no due date
    penalty: float = 0.0  # fraction of the score removed by the late policy, 0..1
    sha256: str = ""
    superseded: int = 0  # older submissions of the same student that this one replaces
    late: bool = False  # late by the LMS's flag (Canvas LATE) or by the assignment's due date
    filename: str = ""  # the file as the student named it
    origin: str = ""  # where it was read from: a path, or ``download.zip!member``

    @property
    def final_score(self) -> float:
        return after_penalty(self.result.total, self.penalty)
