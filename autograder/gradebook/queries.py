"""Reading the gradebook for exports and reports: the submission that counts for each student."""

from __future__ import annotations

from datetime import datetime

from autograder.config import Assignment, LatePolicy
from autograder.gradebook.model import GradedSubmission, StudentIdentity
from autograder.gradebook.store import Gradebook
from autograder.scoring.late import lateness

STUDENT_FIELDS = ("key", "name", "email", "login", "lms_id", "sis_id", "section", "source")


def assignment_spec(book: Gradebook, assignment: str) -> Assignment | None:
    """The assignment's config section as the most recent run of it saw it."""
    row = book.db.execute("SELECT assignment_config FROM runs WHERE assignment = ? ORDER BY id DESC LIMIT 1",
                          (assignment,)).fetchone()
    return Assignment.model_validate_json(row["assignment_config"]) if row else None


def latest(book: Gradebook, assignment: str, spec: Assignment | None = None) -> list[GradedSubmission]:
    """Each student's latest submission with its newest complete result, sorted by student key.

    Lateness uses ``spec``'s ``due`` and ``late_policy`` (default: the config section stored by the
    most recent run). A student whose latest submission has no result yet (a run was stopped
    before grading it) is left out; ``ungraded`` lists them.
    """
    spec = spec or assignment_spec(book, assignment)
    due, policy = (spec.due, spec.late_policy) if spec else (None, LatePolicy())
    rows = book.db.execute(
        "SELECT s.*, (SELECT max(r.id) FROM results r WHERE r.assignment = s.assignment AND r.sha256 = s.sha256"
        "  AND r.kind = s.kind AND r.complete = 1) AS result_id,"
        " (SELECT count(*) FROM submissions o WHERE o.assignment = s.assignment AND o.student_key = s.student_key"
        "  AND o.superseded = 1) AS older,"
        " st.name, st.email, st.login, st.lms_id, st.sis_id, st.section, st.source"
        " FROM submissions s JOIN students st ON st.key = s.student_key"
        " WHERE s.assignment = ? AND s.superseded = 0 ORDER BY s.student_key", (assignment,)).fetchall()
    out = []
    for row in rows:
        if row["result_id"] is None:
            continue
        student = StudentIdentity(*(row["student_key"] if f == "key" else row[f] for f in STUDENT_FIELDS))
        submitted = datetime.fromisoformat(row["submitted_at"]) if row["submitted_at"] else None
        late = lateness(submitted, due, policy)
        out.append(GradedSubmission(
            student=student, result=book.read_result(row["result_id"], student.key, row["origin"]),
            submitted_at=submitted, days_late=late.days_late, penalty=late.penalty, sha256=row["sha256"],
            superseded=row["older"], late=bool(row["late"]) or late.days_late > 0, filename=row["filename"],
            origin=row["origin"]))
    return out


def ungraded(book: Gradebook, assignment: str) -> list[str]:
    """Keys of students whose latest submission has no complete result yet."""
    rows = book.db.execute(
        "SELECT s.student_key FROM submissions s WHERE s.assignment = ? AND s.superseded = 0 AND NOT EXISTS"
        " (SELECT 1 FROM results r WHERE r.assignment = s.assignment AND r.sha256 = s.sha256 AND r.kind = s.kind"
        "  AND r.complete = 1) ORDER BY s.student_key", (assignment,)).fetchall()
    return [r["student_key"] for r in rows]
