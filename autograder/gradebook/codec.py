"""A ``SubmissionResult`` written to, and read back from, the result tables."""

from __future__ import annotations

import json
import sqlite3

from autograder.gradebook.status import timed_out
from autograder.scoring.results import QuestionResult, SubmissionResult, TestResult


def insert_result(db: sqlite3.Connection, result: SubmissionResult, *, assignment: str, sha256: str, kind: str,
                  tests_hash: str, version: str, run_id: int, graded_at: str, complete: bool) -> int:
    """Insert the result with its questions and tests; returns its id (the caller owns the transaction)."""
    cur = db.execute(
        "INSERT INTO results (assignment, sha256, kind, tests_hash, autograder_version, run_id, graded_at, complete,"
        " total, max_total, error, messages, timed_out, student_seconds, test_seconds, wall_seconds, isolation)"
        " VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
        (assignment, sha256, kind, tests_hash, version, run_id, graded_at, int(complete), result.total,
         result.max_total, result.error, json.dumps(result.messages), int(timed_out(result)), result.student_seconds,
         result.test_seconds, result.wall_seconds, result.isolation))
    result_id = int(cur.lastrowid)
    db.executemany("INSERT INTO question_results VALUES (?,?,?,?,?,?)",
                   [(result_id, q.name, q.score, q.max_score, q.passed, q.total) for q in result.questions])
    db.executemany("INSERT INTO test_results VALUES (?,?,?,?,?,?,?,?,?,?,?,?)",
                   [(result_id, i, t.test_id, t.name, t.question, t.visibility, int(t.public), int(t.passed),
                     t.score, t.max_score, t.output, t.duration) for i, t in enumerate(result.tests)])
    return result_id


def read_result(db: sqlite3.Connection, result_id: int, submission: str, path: str) -> SubmissionResult:
    """The stored result ``result_id``, presented as the result of ``submission`` read from ``path``."""
    row = db.execute("SELECT * FROM results WHERE id = ?", (result_id,)).fetchone()
    tests = [TestResult(r["test_id"], r["name"], r["question"], r["visibility"], bool(r["public"]), bool(r["passed"]),
                        r["score"], r["max_score"], r["output"], r["duration"])
             for r in db.execute("SELECT * FROM test_results WHERE result_id = ? ORDER BY position", (result_id,))]
    questions = [QuestionResult(r["question"], r["score"], r["max_score"], r["passed"], r["total"])
                 for r in db.execute("SELECT * FROM question_results WHERE result_id = ? ORDER BY rowid",
                                     (result_id,))]
    return SubmissionResult(submission=submission, path=path, assignment=row["assignment"], tests=tests,
                            questions=questions, messages=json.loads(row["messages"]), error=row["error"],
                            student_seconds=row["student_seconds"], test_seconds=row["test_seconds"],
                            wall_seconds=row["wall_seconds"], isolation=row["isolation"])
