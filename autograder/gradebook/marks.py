"""Written answers and their marks in the gradebook.

``submission_cells``: what each submitted file says (its cells, outputs left out), read when it is
graded, keyed by the file's sha256 like results; the answers and the code are taken from it whenever
they are needed, so a written question added to the config later needs no regrading.

``marks``: each student's current mark of each written question (points as the decimal the tutor wrote,
a comment, the submission whose answer was marked, the import that set it); ``mark_imports``: who
imported which file when, and what it changed.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from decimal import Decimal

from autograder.gradebook.store import Gradebook, now
from autograder.submission.answers import Cell, SubmissionText


@dataclass(frozen=True)
class Mark:
    """A written question's mark as stored."""

    question: str
    points: Decimal
    comment: str = ""
    sha256: str = ""  # the submission whose answer was marked
    imported_by: str = ""
    imported_at: str = ""


@dataclass(frozen=True)
class MarkChange:
    """What one row of an import does: ``before`` is None for a new mark."""

    student: str
    question: str
    before: Mark | None
    after: Mark

    @property
    def kind(self) -> str:
        if self.before is None:
            return "new"
        same = self.before.points == self.after.points and self.before.comment == self.after.comment
        return "unchanged" if same else "changed"


def store_text(book: Gradebook, assignment: str, sha256: str, text: SubmissionText) -> None:
    """Keep what the file with ``sha256`` says (replacing what was kept for it)."""
    with book.transaction() as db:
        db.execute("INSERT OR REPLACE INTO submission_cells (assignment, sha256, cells, error, read_at)"
                   " VALUES (?,?,?,?,?)",
                   (assignment, sha256, json.dumps([c.as_json() for c in text.cells]), text.error, now()))


def has_text(book: Gradebook, assignment: str, sha256: str) -> bool:
    return book.db.execute("SELECT 1 FROM submission_cells WHERE assignment = ? AND sha256 = ?",
                           (assignment, sha256)).fetchone() is not None


def stored_texts(book: Gradebook, assignment: str) -> dict[str, SubmissionText]:
    """What every file of ``assignment`` says, by sha256 (files graded before this was kept are missing)."""
    rows = book.db.execute("SELECT sha256, cells, error FROM submission_cells WHERE assignment = ?", (assignment,))
    return {r["sha256"]: SubmissionText([Cell.from_json(c) for c in json.loads(r["cells"])], r["error"])
            for r in rows}


def current_marks(book: Gradebook, assignment: str) -> dict[str, dict[str, Mark]]:
    """Student -> written question -> mark."""
    rows = book.db.execute(
        "SELECT m.*, i.imported_by, i.imported_at FROM marks m JOIN mark_imports i ON i.id = m.import_id"
        " WHERE m.assignment = ? ORDER BY m.student_key, m.question", (assignment,))
    out: dict[str, dict[str, Mark]] = {}
    for r in rows:
        out.setdefault(r["student_key"], {})[r["question"]] = Mark(
            r["question"], Decimal(r["points"]), r["comment"], r["sha256"], r["imported_by"], r["imported_at"])
    return out


def plan_import(book: Gradebook, assignment: str, rows: list[tuple[str, Mark]]) -> list[MarkChange]:
    """What importing ``rows`` (student, mark) would change, in the rows' order."""
    marks = current_marks(book, assignment)
    return [MarkChange(student, m.question, marks.get(student, {}).get(m.question), m) for student, m in rows]


def apply_import(book: Gradebook, assignment: str, changes: list[MarkChange], file: str, file_sha256: str,
                 by: str) -> int:
    """Store the new and changed marks in one transaction, with the import's record; returns its id."""
    record = [{"student": c.student, "question": c.question, "kind": c.kind,
               "before": None if c.before is None else [str(c.before.points), c.before.comment],
               "after": [str(c.after.points), c.after.comment]} for c in changes if c.kind != "unchanged"]
    with book.transaction() as db:
        cur = db.execute("INSERT INTO mark_imports (assignment, file, file_sha256, imported_by, imported_at, changes)"
                         " VALUES (?,?,?,?,?,?)", (assignment, file, file_sha256, by, now(), json.dumps(record)))
        import_id = int(cur.lastrowid or 0)
        db.executemany(
            "INSERT OR REPLACE INTO marks (assignment, student_key, question, points, comment, sha256, import_id)"
            " VALUES (?,?,?,?,?,?,?)",
            [(assignment, c.student, c.question, str(c.after.points), c.after.comment, c.after.sha256, import_id)
             for c in changes if c.kind != "unchanged"])
    return import_id
