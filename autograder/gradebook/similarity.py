"""Similarity runs in the gradebook: when code was compared, with which settings, which submission of each
student, and the pairs flagged for a tutor's review (their code and the matching character ranges).
A run never touches a score."""

from __future__ import annotations

import json
from dataclasses import dataclass, field

from autograder.gradebook.store import Gradebook, now


@dataclass(frozen=True)
class FlaggedPair:
    """Two students whose code matches: ``share_a`` is the share of a's own code (starter code left out)
    found in b's; ``slices_a`` the matching ``[start, end)`` character ranges of ``code_a``."""

    student_a: str
    student_b: str
    share_a: float
    share_b: float
    matched: int
    code_a: str
    code_b: str
    slices_a: list[tuple[int, int]]
    slices_b: list[tuple[int, int]]

    @property
    def share(self) -> float:
        return max(self.share_a, self.share_b)


@dataclass(frozen=True)
class SimilarityRun:
    assignment: str
    ran_at: str
    settings: dict
    compared: dict[str, str]  # student -> sha256 of the submission compared
    pairs: list[FlaggedPair] = field(default_factory=list)
    id: int = 0


def save_run(book: Gradebook, run: SimilarityRun) -> int:
    """Store ``run`` and its flagged pairs in one transaction; returns its id."""
    with book.transaction() as db:
        cur = db.execute("INSERT INTO similarity_runs (assignment, ran_at, settings, compared) VALUES (?,?,?,?)",
                         (run.assignment, run.ran_at or now(), json.dumps(run.settings), json.dumps(run.compared)))
        run_id = int(cur.lastrowid or 0)
        db.executemany(
            "INSERT INTO similarity_pairs VALUES (?,?,?,?,?,?,?,?,?,?)",
            [(run_id, p.student_a, p.student_b, p.share_a, p.share_b, p.matched, p.code_a, p.code_b,
              json.dumps(p.slices_a), json.dumps(p.slices_b)) for p in run.pairs])
    return run_id


def latest_run(book: Gradebook, assignment: str) -> SimilarityRun | None:
    """The assignment's most recent similarity run, if any."""
    row = book.db.execute("SELECT * FROM similarity_runs WHERE assignment = ? ORDER BY id DESC LIMIT 1",
                          (assignment,)).fetchone()
    if row is None:
        return None
    pairs = [FlaggedPair(p["student_a"], p["student_b"], p["share_a"], p["share_b"], p["matched"], p["code_a"],
                         p["code_b"], [tuple(s) for s in json.loads(p["slices_a"])],
                         [tuple(s) for s in json.loads(p["slices_b"])])
             for p in book.db.execute("SELECT * FROM similarity_pairs WHERE run_id = ?", (row["id"],))]
    pairs.sort(key=lambda p: (-p.share, p.student_a, p.student_b))
    return SimilarityRun(assignment, row["ran_at"], json.loads(row["settings"]), json.loads(row["compared"]), pairs,
                         row["id"])
