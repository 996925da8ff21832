"""The SQLite gradebook: runs, students, submissions and results, committed one step at a time.

Every result is committed as it arrives, so a run stopped at any moment (even by ``kill -9``)
leaves a consistent gradebook, and the next run finds what is already graded.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from autograder.config import Assignment
from autograder.gradebook.codec import insert_result, read_result
from autograder.gradebook.model import StudentIdentity
from autograder.gradebook.schema import connect
from autograder.scoring.results import SubmissionResult

IDENTITY_FIELDS = ("name", "email", "login", "lms_id", "sis_id", "section")


def now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


@dataclass(frozen=True)
class SubmissionRecord:
    """A submission as the gradebook stores it."""

    student: StudentIdentity
    sha256: str
    kind: str
    filename: str
    origin: str
    rank: tuple[float, ...]
    submitted_at: datetime | None = None
    lms_submission: str = ""
    late: bool = False
    readable: bool = True


@dataclass(frozen=True)
class ResultKey:
    """What a stored result is valid for: the assignment, its tests fingerprint, the autograder version."""

    assignment: str
    tests_hash: str
    version: str


class Gradebook:
    """One gradebook file; use as a context manager or call ``close``."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.db = connect(path)

    def close(self) -> None:
        self.db.close()

    def __enter__(self) -> Gradebook:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        self.db.execute("BEGIN IMMEDIATE")
        try:
            yield self.db
        except BaseException:
            self.db.execute("ROLLBACK")
            raise
        self.db.execute("COMMIT")

    # --- runs ------------------------------------------------------------------------------------
    def start_run(self, key: ResultKey, spec: Assignment, *, regrade: bool, command: str, submissions: int,
                  superseded: int) -> int:
        with self.transaction() as db:
            cur = db.execute(
                "INSERT INTO runs (assignment, started_at, autograder_version, tests_hash, assignment_config,"
                " regrade, command, submissions, superseded) VALUES (?,?,?,?,?,?,?,?,?)",
                (key.assignment, now(), key.version, key.tests_hash, spec.model_dump_json(), int(regrade), command,
                 submissions, superseded))
            return int(cur.lastrowid or 0)

    def finish_run(self, run_id: int) -> None:
        """Close the run and store its counts (from what it reported)."""
        with self.transaction() as db:
            db.execute(
                "UPDATE runs SET finished_at = ?,"
                " graded = (SELECT count(*) FROM results WHERE run_id = runs.id),"
                " reused = (SELECT count(*) FROM run_items WHERE run_id = runs.id AND status = 'reused'),"
                " failed = (SELECT count(*) FROM run_items i JOIN results r ON r.id = i.result_id"
                "           WHERE i.run_id = runs.id AND r.error IS NOT NULL),"
                " timed_out = (SELECT count(*) FROM run_items i JOIN results r ON r.id = i.result_id"
                "              WHERE i.run_id = runs.id AND r.timed_out = 1)"
                " WHERE id = ?", (now(), run_id))

    # --- students and submissions ---------------------------------------------------------------
    def record_submission(self, run_id: int, assignment: str, rec: SubmissionRecord) -> int:
        """Store the student and the submission (once per content and time); returns the submission id.

        A student's identity only gains detail: empty fields, and a plain file's ``files`` source,
        never overwrite what an LMS download said.
        """
        s = rec.student
        submitted = rec.submitted_at.isoformat() if rec.submitted_at else ""
        with self.transaction() as db:
            db.execute(
                "INSERT INTO students (key, name, email, login, lms_id, sis_id, section, source, updated_at)"
                " VALUES (?,?,?,?,?,?,?,?,?) ON CONFLICT(key) DO UPDATE SET "
                + ", ".join(f"{f} = COALESCE(NULLIF(excluded.{f}, ''), {f})" for f in IDENTITY_FIELDS)
                + ", source = CASE excluded.source WHEN 'files' THEN source ELSE excluded.source END"
                ", updated_at = excluded.updated_at",
                (s.key, s.name, s.email, s.login, s.lms_id, s.sis_id, s.section, s.source, now()))
            db.execute(
                "INSERT INTO submissions (assignment, student_key, sha256, kind, filename, origin, lms_submission,"
                " submitted_at, rank, late, readable, first_run, last_run) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)"
                " ON CONFLICT(assignment, student_key, sha256, submitted_at) DO UPDATE SET"
                " origin = excluded.origin, filename = excluded.filename, rank = excluded.rank,"
                " late = excluded.late, last_run = excluded.last_run",
                (assignment, s.key, rec.sha256, rec.kind, rec.filename, rec.origin, rec.lms_submission, submitted,
                 json.dumps(list(rec.rank)), int(rec.late), int(rec.readable), run_id, run_id))
            row = db.execute("SELECT id FROM submissions WHERE assignment = ? AND student_key = ? AND sha256 = ?"
                             " AND submitted_at = ?", (assignment, s.key, rec.sha256, submitted)).fetchone()
            self._mark_superseded(db, assignment, s.key)
            return int(row["id"])

    def _mark_superseded(self, db: sqlite3.Connection, assignment: str, student: str) -> None:
        rows = db.execute("SELECT id, rank FROM submissions WHERE assignment = ? AND student_key = ?",
                          (assignment, student)).fetchall()
        latest = max(rows, key=lambda r: (json.loads(r["rank"]), r["id"]))["id"]
        db.execute("UPDATE submissions SET superseded = (id != ?) WHERE assignment = ? AND student_key = ?",
                   (latest, assignment, student))

    # --- results ---------------------------------------------------------------------------------
    def stored_result(self, key: ResultKey, sha256: str, kind: str) -> int | None:
        """The newest complete result for this content under this key, if any."""
        row = self.db.execute(
            "SELECT max(id) AS id FROM results WHERE assignment = ? AND sha256 = ? AND kind = ? AND tests_hash = ?"
            " AND autograder_version = ? AND complete = 1",
            (key.assignment, sha256, kind, key.tests_hash, key.version)).fetchone()
        return row["id"]

    def save_result(self, run_id: int, submission_id: int, key: ResultKey, sha256: str, kind: str,
                    result: SubmissionResult, *, complete: bool = True,
                    fingerprints: dict[str, str] | None = None) -> int:
        """Commit a fresh result and that this run reported it for ``submission_id``; ``fingerprints``: what
        each question's grading depended on (for reusing questions later)."""
        with self.transaction() as db:
            result_id = insert_result(db, result, assignment=key.assignment, sha256=sha256, kind=kind,
                                      tests_hash=key.tests_hash, version=key.version, run_id=run_id,
                                      graded_at=now(), complete=complete, fingerprints=fingerprints)
            db.execute("INSERT OR REPLACE INTO run_items VALUES (?,?,?,?)",
                       (run_id, submission_id, result_id, "graded" if complete else "retry"))
        return result_id

    def reusable_questions(self, assignment: str, sha256: str, kind: str,
                           fingerprints: dict[str, str]) -> tuple[int, set[str]] | None:
        """The newest complete result for this content that graded without an error, and which of its
        questions were graded under the same fingerprints as now (None: nothing to reuse)."""
        row = self.db.execute(
            "SELECT max(id) AS id FROM results WHERE assignment = ? AND sha256 = ? AND kind = ? AND complete = 1"
            " AND error IS NULL", (assignment, sha256, kind)).fetchone()
        if row is None or row["id"] is None:
            return None
        stored = {r["question"]: r["fingerprint"] for r in self.db.execute(
            "SELECT question, fingerprint FROM question_results WHERE result_id = ?", (row["id"],))}
        same = {q for q, f in fingerprints.items() if f and stored.get(q) == f}
        return (int(row["id"]), same) if same else None

    def test_seconds(self, result_id: int, questions: Iterable[str]) -> float:
        """How long the tests of ``questions`` took in a stored result (the student's calls included)."""
        names = list(questions)
        row = self.db.execute(f"SELECT coalesce(sum(duration), 0) AS s FROM test_results WHERE result_id = ?"
                              f" AND question IN ({','.join('?' * len(names))})", (result_id, *names)).fetchone()
        return float(row["s"])

    def link(self, run_id: int, items: list[tuple[int, int | None, str]]) -> None:
        """Record ``(submission id, result id, status)`` for this run: reused results and superseded files."""
        with self.transaction() as db:
            db.executemany("INSERT OR REPLACE INTO run_items VALUES (?,?,?,?)",
                           [(run_id, sid, rid, status) for sid, rid, status in items])

    def read_result(self, result_id: int, submission: str, path: str) -> SubmissionResult:
        return read_result(self.db, result_id, submission, path)

    def previous_result(self, assignment: str, student: str) -> SubmissionResult | None:
        """The newest complete result of the student's latest graded submission (the score they have now)."""
        rows = self.db.execute(
            "SELECT s.rank, s.id, s.origin, max(r.id) AS result_id FROM submissions s"
            " JOIN results r ON r.sha256 = s.sha256 AND r.kind = s.kind AND r.assignment = s.assignment"
            " AND r.complete = 1 WHERE s.assignment = ? AND s.student_key = ? GROUP BY s.id",
            (assignment, student)).fetchall()
        if not rows:
            return None
        best = max(rows, key=lambda r: (json.loads(r["rank"]), r["id"]))
        return self.read_result(best["result_id"], student, best["origin"])
