"""The gradebook's tables, and opening the database (WAL, foreign keys, a busy timeout).

Results are stored per submitted *content*: a result row is keyed by the file's sha256 and type,
the assignment, the tests fingerprint and the autograder version, so identical files are graded
once and a run reuses whatever is stored for an unchanged file. ``run_items`` says which result
each run reported for each submission, and how it got it.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

SCHEMA_VERSION = 3

DDL = """
CREATE TABLE IF NOT EXISTS students (
    key         TEXT PRIMARY KEY,
    name        TEXT NOT NULL DEFAULT '',
    email       TEXT NOT NULL DEFAULT '',
    login       TEXT NOT NULL DEFAULT '',
    lms_id      TEXT NOT NULL DEFAULT '',
    sis_id      TEXT NOT NULL DEFAULT '',
    section     TEXT NOT NULL DEFAULT '',
    source      TEXT NOT NULL DEFAULT 'files',
    updated_at  TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS runs (
    id                  INTEGER PRIMARY KEY,
    assignment          TEXT NOT NULL,
    started_at          TEXT NOT NULL,
    finished_at         TEXT,                       -- NULL: interrupted, or still running
    autograder_version  TEXT NOT NULL,
    tests_hash          TEXT NOT NULL,
    assignment_config   TEXT NOT NULL,              -- the config section (JSON): due date, late policy
    regrade             INTEGER NOT NULL DEFAULT 0,
    command             TEXT NOT NULL DEFAULT '',
    submissions         INTEGER NOT NULL DEFAULT 0, -- submissions that count (one per student)
    graded              INTEGER NOT NULL DEFAULT 0,
    reused              INTEGER NOT NULL DEFAULT 0,
    failed              INTEGER NOT NULL DEFAULT 0, -- could not be run
    timed_out           INTEGER NOT NULL DEFAULT 0,
    superseded          INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE IF NOT EXISTS submissions (
    id              INTEGER PRIMARY KEY,
    assignment      TEXT NOT NULL,
    student_key     TEXT NOT NULL REFERENCES students(key),
    sha256          TEXT NOT NULL,
    kind            TEXT NOT NULL,                  -- .ipynb, .py, .zip
    filename        TEXT NOT NULL,
    origin          TEXT NOT NULL,                  -- a path, or download.zip!member
    lms_submission  TEXT NOT NULL DEFAULT '',
    submitted_at    TEXT NOT NULL DEFAULT '',       -- ISO 8601 with offset; '' when unknown
    rank            TEXT NOT NULL,                  -- JSON numbers: a student's largest counts
    late            INTEGER NOT NULL DEFAULT 0,     -- the LMS's late flag (Canvas LATE)
    superseded      INTEGER NOT NULL DEFAULT 0,
    readable        INTEGER NOT NULL DEFAULT 1,
    first_run       INTEGER NOT NULL REFERENCES runs(id),
    last_run        INTEGER NOT NULL REFERENCES runs(id),
    UNIQUE (assignment, student_key, sha256, submitted_at)
);
CREATE TABLE IF NOT EXISTS results (
    id                  INTEGER PRIMARY KEY,
    assignment          TEXT NOT NULL,
    sha256              TEXT NOT NULL,
    kind                TEXT NOT NULL,
    tests_hash          TEXT NOT NULL,
    autograder_version  TEXT NOT NULL,
    run_id              INTEGER NOT NULL REFERENCES runs(id),
    graded_at           TEXT NOT NULL,
    complete            INTEGER NOT NULL DEFAULT 1, -- 0: the grader failed, not the submission; never reused
    total               REAL NOT NULL,
    max_total           REAL NOT NULL,
    error               TEXT,
    messages            TEXT NOT NULL DEFAULT '[]', -- JSON list of strings
    timed_out           INTEGER NOT NULL DEFAULT 0,
    student_seconds     REAL NOT NULL DEFAULT 0,
    test_seconds        REAL NOT NULL DEFAULT 0,
    wall_seconds        REAL NOT NULL DEFAULT 0,
    isolation           TEXT NOT NULL DEFAULT ''
);
CREATE INDEX IF NOT EXISTS results_by_content
    ON results (assignment, sha256, kind, tests_hash, autograder_version, complete);
CREATE TABLE IF NOT EXISTS question_results (
    result_id   INTEGER NOT NULL REFERENCES results(id) ON DELETE CASCADE,
    question    TEXT NOT NULL,
    score       REAL NOT NULL,
    max_score   REAL NOT NULL,
    passed      INTEGER NOT NULL,
    total       INTEGER NOT NULL,
    fingerprint TEXT NOT NULL DEFAULT '',           -- what the question's grading depended on ('' unknown)
    PRIMARY KEY (result_id, question)
);
CREATE TABLE IF NOT EXISTS test_results (
    result_id   INTEGER NOT NULL REFERENCES results(id) ON DELETE CASCADE,
    position    INTEGER NOT NULL,
    test_id     TEXT NOT NULL,
    name        TEXT NOT NULL,
    question    TEXT NOT NULL,
    visibility  TEXT NOT NULL,
    public      INTEGER NOT NULL,
    passed      INTEGER NOT NULL,
    score       REAL NOT NULL,
    max_score   REAL NOT NULL,
    output      TEXT NOT NULL,
    duration    REAL NOT NULL DEFAULT 0,
    failure     TEXT NOT NULL DEFAULT '',           -- why it failed: timeout, memory, assertion ... ('' passed)
    PRIMARY KEY (result_id, position)
);
CREATE TABLE IF NOT EXISTS run_items (
    run_id          INTEGER NOT NULL REFERENCES runs(id),
    submission_id   INTEGER NOT NULL REFERENCES submissions(id),
    result_id       INTEGER REFERENCES results(id),
    status          TEXT NOT NULL,                  -- graded, reused, superseded; retry: not kept for reuse
    PRIMARY KEY (run_id, submission_id)
);
CREATE TABLE IF NOT EXISTS submission_cells (       -- what a file says, read at grading time (never run)
    assignment  TEXT NOT NULL,
    sha256      TEXT NOT NULL,                      -- the submitted file's, as in submissions
    cells       TEXT NOT NULL,                      -- JSON [{kind, source, tags}]; outputs are not kept
    error       TEXT NOT NULL DEFAULT '',           -- why the file could not be read ('' read)
    read_at     TEXT NOT NULL,
    PRIMARY KEY (assignment, sha256)
);
CREATE TABLE IF NOT EXISTS mark_imports (           -- one marking file imported by a tutor
    id          INTEGER PRIMARY KEY,
    assignment  TEXT NOT NULL,
    file        TEXT NOT NULL,
    file_sha256 TEXT NOT NULL,
    imported_by TEXT NOT NULL,
    imported_at TEXT NOT NULL,
    changes     TEXT NOT NULL DEFAULT '[]'          -- JSON: what it changed
);
CREATE TABLE IF NOT EXISTS marks (                  -- a written question's current mark
    assignment  TEXT NOT NULL,
    student_key TEXT NOT NULL REFERENCES students(key),
    question    TEXT NOT NULL,
    points      TEXT NOT NULL,                      -- a decimal, as written in the file
    comment     TEXT NOT NULL DEFAULT '',
    sha256      TEXT NOT NULL DEFAULT '',           -- the submission whose answer was marked
    import_id   INTEGER NOT NULL REFERENCES mark_imports(id),
    PRIMARY KEY (assignment, student_key, question)
);
CREATE TABLE IF NOT EXISTS similarity_runs (
    id          INTEGER PRIMARY KEY,
    assignment  TEXT NOT NULL,
    ran_at      TEXT NOT NULL,
    settings    TEXT NOT NULL,                      -- JSON: threshold, minimum match, k-gram size
    compared    TEXT NOT NULL                       -- JSON {student: sha256} of the submissions compared
);
CREATE TABLE IF NOT EXISTS similarity_pairs (       -- the pairs a similarity run flagged
    run_id      INTEGER NOT NULL REFERENCES similarity_runs(id) ON DELETE CASCADE,
    student_a   TEXT NOT NULL,
    student_b   TEXT NOT NULL,
    share_a     REAL NOT NULL,                      -- share of a's own code found in b's
    share_b     REAL NOT NULL,
    matched     INTEGER NOT NULL,                   -- matching tokens
    code_a      TEXT NOT NULL,
    code_b      TEXT NOT NULL,
    slices_a    TEXT NOT NULL,                      -- JSON [[start, end], ...]: matching characters of code_a
    slices_b    TEXT NOT NULL,
    PRIMARY KEY (run_id, student_a, student_b)
);
"""


MIGRATIONS = {
    2: ["ALTER TABLE test_results ADD COLUMN failure TEXT NOT NULL DEFAULT ''"],  # failure kinds as data
    3: ["ALTER TABLE question_results ADD COLUMN fingerprint TEXT NOT NULL DEFAULT ''"],  # per-question reuse
}


def migrate(db: sqlite3.Connection, version: int) -> None:
    """Bring a gradebook written by an older version up to ``SCHEMA_VERSION``, one step at a time."""
    for target in range(version + 1, SCHEMA_VERSION + 1):
        for statement in MIGRATIONS.get(target, []):
            db.execute(statement)


class GradebookError(Exception):
    """The gradebook cannot be opened or was written by a newer autograder."""


def connect(path: Path) -> sqlite3.Connection:
    """Open (creating if needed) the gradebook at ``path`` in WAL mode; autocommit, explicit transactions."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        db = sqlite3.connect(path, isolation_level=None, timeout=30.0)
        db.text_factory = lambda b: b.decode("utf-8", "replace")  # text written by anything else still reads
        db.execute("PRAGMA journal_mode=WAL")
        db.execute("PRAGMA foreign_keys=ON")
        db.execute("PRAGMA synchronous=NORMAL")
        version = db.execute("PRAGMA user_version").fetchone()[0]
        if version > SCHEMA_VERSION:
            raise GradebookError(f"{path} was written by a newer autograder (schema {version})")
        db.executescript(DDL)
        if 0 < version < SCHEMA_VERSION:
            migrate(db, version)
        db.execute(f"PRAGMA user_version={SCHEMA_VERSION}")
    except sqlite3.DatabaseError as exc:
        raise GradebookError(f"cannot open the gradebook {path}: {exc}") from exc
    db.row_factory = sqlite3.Row
    return db
