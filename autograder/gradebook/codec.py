"""A ``SubmissionResult`` written to, and read back from, the result tables.

Reading is defensive: a row an older version wrote, or one damaged by hand, is read as well as it
can be (missing or malformed values become empty ones) and sanitised, never a crash.
"""

from __future__ import annotations

import json
import sqlite3
from typing import Any

from autograder.scoring.results import QuestionResult, SubmissionResult, TestResult
from autograder.scoring.sanitize import sanitized


def insert_result(db: sqlite3.Connection, result: SubmissionResult, *, assignment: str, sha256: str, kind: str,
                  tests_hash: str, version: str, run_id: int, graded_at: str, complete: bool,
                  fingerprints: dict[str, str] | None = None) -> int:
    """Insert the result with its questions and tests; returns its id (the caller owns the transaction)."""
    cur = db.execute(
        "INSERT INTO results (assignment, sha256, kind, tests_hash, autograder_version, run_id, graded_at, complete,"
        " total, max_total, error, messages, timed_out, student_seconds, test_seconds, wall_seconds, isolation)"
        " VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
        (assignment, sha256, kind, tests_hash, version, run_id, graded_at, int(complete), result.total,
         result.max_total, result.error, json.dumps(result.messages), int(bool(result.failures("timeout"))),
         result.student_seconds, result.test_seconds, result.wall_seconds, result.isolation))
    result_id = int(cur.lastrowid or 0)
    prints = fingerprints or {}
    db.executemany("INSERT INTO question_results (result_id, question, score, max_score, passed, total, fingerprint)"
                   " VALUES (?,?,?,?,?,?,?)", [(result_id, q.name, q.score, q.max_score, q.passed, q.total,
                                               prints.get(q.name, "")) for q in result.questions])
    db.executemany("INSERT INTO test_results (result_id, position, test_id, name, question, visibility, public,"
                   " passed, score, max_score, output, duration, failure) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)",
                   [(result_id, i, t.test_id, t.name, t.question, t.visibility, int(t.public), int(t.passed),
                     t.score, t.max_score, t.output, t.duration, t.failure) for i, t in enumerate(result.tests)])
    return result_id


def _get(row: sqlite3.Row, key: str, default: Any = "") -> Any:
    try:
        value = row[key]
    except (IndexError, KeyError):
        return default
    return default if value is None else value


def _messages(raw: Any) -> list[str]:
    try:
        value = json.loads(raw)
    except (TypeError, ValueError):
        return []
    return [str(m) for m in value] if isinstance(value, list) else []


def read_result(db: sqlite3.Connection, result_id: int, submission: str, path: str) -> SubmissionResult:
    """The stored result ``result_id``, presented as the result of ``submission`` read from ``path``."""
    row = db.execute("SELECT * FROM results WHERE id = ?", (result_id,)).fetchone()
    tests = [TestResult(str(_get(r, "test_id")), str(_get(r, "name")), str(_get(r, "question")),
                        str(_get(r, "visibility", "hidden")), bool(_get(r, "public", 0)), bool(_get(r, "passed", 0)),
                        _get(r, "score", 0.0), _get(r, "max_score", 0.0), str(_get(r, "output")),
                        _get(r, "duration", 0.0),
                        str(_get(r, "failure")) or ("" if _get(r, "passed", 0) else "assertion"))
             for r in db.execute("SELECT * FROM test_results WHERE result_id = ? ORDER BY position", (result_id,))]
    questions = [QuestionResult(str(_get(r, "question")), _get(r, "score", 0.0), _get(r, "max_score", 0.0),
                                _get(r, "passed", 0), _get(r, "total", 0))
                 for r in db.execute("SELECT * FROM question_results WHERE result_id = ? ORDER BY rowid",
                                     (result_id,))]
    error = _get(row, "error", None)
    return sanitized(SubmissionResult(
        submission=submission, path=path, assignment=str(_get(row, "assignment")), tests=tests, questions=questions,
        messages=_messages(_get(row, "messages", "[]")), error=None if error is None else str(error),
        lost=not _get(row, "complete", 1), student_seconds=_get(row, "student_seconds", 0.0),
        test_seconds=_get(row, "test_seconds", 0.0), wall_seconds=_get(row, "wall_seconds", 0.0),
        isolation=str(_get(row, "isolation"))))
