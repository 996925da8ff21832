"""What a gradebook holds never stops ``autograder grade`` or an export (issue 12), and the exit status tells
a fully graded run from one where the grader failed some submission.

- A gradebook written by the previous version (schema 1, before failure kinds were stored) with one graded
  result is upgraded by ``grade``, its result reused and read back, and read by every export.
- ``grade`` of honest and hostile students where storing one result fails (simulated in the CLI's process)
  exits 1 naming that student; the same command again grades that one again and exits 0.
- A gradebook holding bad rows (NULLs, messages that are not JSON, a score above its maximum, non-finite
  numbers, bytes that are not UTF-8) is read by ``grade`` and every export, and what they show is sanitised.
"""

from __future__ import annotations

import contextlib
import csv
import hashlib
import io
import json
import re
import shutil
import sqlite3
from dataclasses import dataclass
from pathlib import Path

import pytest
from test_hostile import ALL, CASES, PLAIN_ZIP, SOFTMAX, encrypted

from autograder.cli import main as cli_main
from autograder.config import AssignmentPaths, assignment, limits_for, load_config
from autograder.gradebook import fingerprint
from autograder.gradebook.schema import DDL, SCHEMA_VERSION
from autograder.gradebook.store import Gradebook
from autograder.scoring.sanitize import MAX_MESSAGE, MAX_MESSAGES, MAX_OUTPUT

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[1]
CONFIG = ROOT / "grading_config.yaml"
NAME = "text_generation"
SCHEMA_V1 = Path(__file__).with_name("fixtures") / "gradebook_schema_v1.sql"
EXPORTS = ("canvas", "moodle", "csv", "feedback", "report")
POINTS = {"softmax_temperature": 4.0, "sample_next_token": 3.0, "beam_search": 5.0}
OLD_STUDENT = "old_student"
FLAKY = "reference"


class Raw(str):
    """An SQL expression inserted as written (``CAST(X'..' AS TEXT)``: bytes Python's sqlite3 would refuse)."""


def insert(db: sqlite3.Connection, table: str, **cols: object) -> None:
    names = ", ".join(cols)
    marks = ", ".join(v if isinstance(v, Raw) else "?" for v in cols.values())
    db.execute(f"INSERT INTO {table} ({names}) VALUES ({marks})", [v for v in cols.values() if not isinstance(v, Raw)])


def current_key() -> tuple[str, str, str]:
    """(tests hash, autograder version, the assignment's config as JSON) as ``grade`` computes them."""
    config, root = load_config(CONFIG)
    spec = assignment(config, NAME)
    return (fingerprint.tests_fingerprint(AssignmentPaths(name=NAME, root=root), spec, limits_for(config, NAME)),
            fingerprint.autograder_version(), spec.model_dump_json())


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def add_graded(db: sqlite3.Connection, rid: int, student: str, digest: str, questions: list[tuple], tests: list[dict],
               **result: object) -> None:
    """A student, their submission and one complete result under the current key (run 1)."""
    tests_hash, version, _ = current_key()
    insert(db, "students", key=student, updated_at="2026-01-01T00:00:00+00:00")
    insert(db, "submissions", id=rid, assignment=NAME, student_key=student, sha256=digest, kind=".py",
           filename=f"{student}.py", origin=f"/old/{student}.py", rank="[0]", first_run=1, last_run=1)
    row = dict(id=rid, assignment=NAME, sha256=digest, kind=".py", tests_hash=tests_hash, autograder_version=version,
               run_id=1, graded_at="2026-01-01T00:00:00+00:00", complete=1, total=0.0, max_total=12.0,
               messages="[]", isolation="full")
    insert(db, "results", **{**row, **result})
    for q in questions:
        insert(db, "question_results", **dict(zip(("result_id", "question", "score", "max_score", "passed", "total"),
                                                   (rid, *q))))
    for position, t in enumerate(tests):
        insert(db, "test_results", **{"result_id": rid, "position": position, "test_id": f"t{position}",
                                      "name": f"test {position}", "question": "softmax_temperature",
                                      "visibility": "visible", "public": 1, "passed": 0, "score": 0.0,
                                      "max_score": 1.0, "output": "failed", "duration": 0.1, **t})


def add_run(db: sqlite3.Connection) -> None:
    tests_hash, version, spec = current_key()
    insert(db, "runs", id=1, assignment=NAME, started_at="2026-01-01T00:00:00+00:00",
           finished_at="2026-01-01T00:01:00+00:00", autograder_version=version, tests_hash=tests_hash,
           assignment_config=spec)


OLD_TESTS = [
    {"test_id": "softmax::rows", "name": "softmax rows sum to 1", "question": "softmax_temperature", "passed": 1,
     "score": 4.0, "max_score": 4.0, "output": "passed"},
    {"test_id": "sample::draws", "name": "draws follow softmax", "question": "sample_next_token", "max_score": 3.0,
     "output": "sample_next_token(...) returned 0 for every draw"},
    {"test_id": "beam::best", "name": "the best beam comes first", "question": "beam_search", "max_score": 5.0,
     "output": "beam_search(...) returned []"},
]


def old_gradebook(path: Path, submission: Path) -> None:
    """A schema-1 gradebook (autograder 9a95953) holding one graded result of ``submission``."""
    db = sqlite3.connect(path, isolation_level=None)
    db.executescript(SCHEMA_V1.read_text())
    db.execute("PRAGMA user_version=1")
    add_run(db)
    add_graded(db, 1, OLD_STUDENT, sha256(submission), [("softmax_temperature", 4.0, 4.0, 1, 1),
                                                         ("sample_next_token", 0.0, 3.0, 0, 1),
                                                         ("beam_search", 0.0, 5.0, 0, 1)], OLD_TESTS,
               total=4.0, messages='["Cell 3 raised NameError: name \'x\' is not defined"]')
    db.close()


@dataclass
class Run:
    code: int
    stdout: str
    stderr: str


def grade(subs: Path, out: Path) -> Run:
    err, printed = io.StringIO(), io.StringIO()
    with contextlib.redirect_stderr(err), contextlib.redirect_stdout(printed):
        code = cli_main(["--config", str(CONFIG), "grade", str(subs), "--assignment", NAME, "--out", str(out),
                         "--workers", "2", "--no-progress"])
    return Run(code, printed.getvalue(), err.getvalue())


def export(fmt: str, out: Path) -> int:
    with contextlib.redirect_stderr(io.StringIO()):
        return cli_main(["--config", str(CONFIG), "export", fmt, "-a", NAME, "--out-dir", str(out)])


def results_json(out: Path, student: str) -> dict:
    def refuse(constant: str) -> None:
        raise AssertionError(f"{student}/results.json holds {constant}")

    return json.loads((out / student / "results.json").read_text(), parse_constant=refuse)


@pytest.fixture(scope="module")
def two_runs(tmp_path_factory):
    """An old gradebook, then ``grade`` twice: storing the reference's result fails once in the first run."""
    subs = tmp_path_factory.mktemp("robust-subs")
    (subs / f"{OLD_STUDENT}.py").write_text(SOFTMAX)
    shutil.copy(ROOT / "solutions" / NAME / "solution.py", subs / f"{FLAKY}.py")
    shutil.copy(ROOT / "examples" / NAME / "partly_wrong.ipynb", subs / "partly_wrong.ipynb")
    for name in ("lone_surrogates_in_messages", "forged_control_frames"):
        honest, code, _ = CASES[name]
        (subs / f"{name}.py").write_text((honest + code).replace("DECOY_PID", "999999"))
    (subs / "encrypted.zip").write_bytes(encrypted(PLAIN_ZIP))
    out = tmp_path_factory.mktemp("robust-out")
    old_gradebook(out / "gradebook.sqlite", subs / f"{OLD_STUDENT}.py")

    real = Gradebook.save_result
    failed: list[str] = []

    def flaky(self, *args, **kwargs):
        result = args[5]
        if result.submission == FLAKY and not failed:
            failed.append(result.submission)
            raise sqlite3.OperationalError("disk I/O error (simulated)")
        return real(self, *args, **kwargs)

    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(Gradebook, "save_result", flaky)
        first = grade(subs, out)
    first_files = {p.parent.name: json.loads(p.read_text()) for p in out.glob("*/results.json")}
    first_csv = (out / "grades.csv").read_text()
    second = grade(subs, out)
    return subs, out, first, second, first_files, first_csv, failed


def test_the_exit_status_names_what_the_grader_failed(two_runs):
    subs, out, first, _, first_files, first_csv, failed = two_runs
    students = sorted(p.stem for p in subs.iterdir())
    assert failed == [FLAKY]
    assert first.code == 1, first.stderr
    assert re.search(rf"error: the grader failed on 1 submission\(s\).*\b{FLAKY}\b", first.stderr), first.stderr
    assert sorted(first_files) == students
    assert "could not be graded" in first_files[FLAKY]["output"] and first_files[FLAKY]["score"] == 0
    assert sorted(row["submission"] for row in csv.DictReader(io.StringIO(first_csv))) == students


def test_the_same_command_grades_it_again_and_exits_0(two_runs):
    subs, out, _, second, first_files, _, _ = two_runs
    assert second.code == 0, second.stderr
    assert "warning:" not in second.stderr, second.stderr
    now = {p.parent.name: results_json(out, p.parent.name) for p in out.glob("*/results.json")}
    assert sorted(now) == sorted(p.stem for p in subs.iterdir())
    assert now[FLAKY]["score"] == sum(POINTS.values())
    for student, data in now.items():
        if student != FLAKY:
            assert data["score"] == first_files[student]["score"], student
    assert (out / "report.html").stat().st_size > 0


def test_hostile_students_are_graded_not_lost(two_runs):
    _, out, _, _, _, _, _ = two_runs
    for student, words in (("lone_surrogates_in_messages", CASES["lone_surrogates_in_messages"][2][0]),
                           ("forged_control_frames", "Cell"), ("encrypted", "encrypted")):
        data = results_json(out, student)
        text = json.dumps(data, ensure_ascii=False)
        assert words in text and "could not be graded" not in text, student


def test_an_old_gradebook_is_upgraded_and_its_result_reused(two_runs):
    _, out, _, _, first_files, _, _ = two_runs
    db = sqlite3.connect(out / "gradebook.sqlite")
    assert db.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
    assert "failure" in {row[1] for row in db.execute("PRAGMA table_info(test_results)")}
    assert db.execute("SELECT count(*) FROM results WHERE sha256 = (SELECT sha256 FROM submissions WHERE"
                      " student_key = ? LIMIT 1)", (OLD_STUDENT,)).fetchone()[0] == 1, "the old result was regraded"
    db.close()
    data = first_files[OLD_STUDENT]
    assert data["score"] == 4.0
    tests = {t["extra_data"]["test_id"]: t for t in data["tests"] if "extra_data" in t}
    assert set(tests) == {t["test_id"] for t in OLD_TESTS}
    assert tests["sample::draws"]["output"] == "sample_next_token(...) returned 0 for every draw"
    assert tests["sample::draws"]["extra_data"]["failure"] == "assertion"
    assert tests["softmax::rows"]["extra_data"]["failure"] == ""
    assert "NameError" in data["output"]


def test_every_export_reads_the_upgraded_gradebook(two_runs):
    _, out, _, _, _, _, _ = two_runs
    for fmt in EXPORTS:
        assert export(fmt, out) == 0, fmt
    rows = {r["student"]: r for r in csv.DictReader((out / f"{NAME}_scores.csv").open())}
    assert float(rows[OLD_STUDENT]["total"]) == 4.0 and float(rows[FLAKY]["total"]) == sum(POINTS.values())
    assert "NameError" in (out / OLD_STUDENT / "feedback.md").read_text()


# --- bad rows ----------------------------------------------------------------------------------------
def lenient_gradebook(path: Path) -> sqlite3.Connection:
    """The current schema without its NOT NULL constraints, as a gradebook damaged by hand may be."""
    db = sqlite3.connect(path, isolation_level=None)
    db.executescript(re.sub(r"\bNOT NULL\b", "", DDL))
    db.execute(f"PRAGMA user_version={SCHEMA_VERSION}")
    add_run(db)
    return db


def add_bad_rows(db: sqlite3.Connection, reused_digest: str) -> None:
    nulls = {c: None for c in ("test_id", "name", "question", "visibility", "public", "passed", "score", "max_score",
                               "output", "duration", "failure")}
    add_graded(db, 1, "s_nulls", "0" * 64, [("softmax_temperature", None, None, None, None)], [nulls],
               total=None, max_total=None, messages=None, error=None, isolation=None, wall_seconds=None)
    add_graded(db, 2, "s_messages_not_json", "1" * 64, [("softmax_temperature", 1.0, 4.0, 0, 1)], [{}],
               messages="{not json", error="an error")
    add_graded(db, 3, "s_above_maximum", reused_digest,
               [("softmax_temperature", 99.0, 4.0, 9, 1), ("beam_search", -5.0, 5.0, -1, 1)],
               [{"passed": 1, "score": 50.0, "max_score": 1.0}], total=104.0)
    add_graded(db, 4, "s_not_finite", "2" * 64,
               [("softmax_temperature", "nan", 4.0, 0, 1), ("sample_next_token", 1e309, 3.0, 1, 1),
                ("beam_search", 1.0, "inf", 0, 1)],
               [{"score": "nan", "max_score": "inf", "duration": 1e309}], total="NaN", wall_seconds=-1e309)
    add_graded(db, 5, "s_nul_and_long_text", "3" * 64, [("softmax_temperature", 0.0, 4.0, 0, 1)],
               [{"output": "a\x00b" + "x" * 100_000, "name": "n\x00"}], messages=json.dumps(["m\x00" * 5000] * 500))


def add_invalid_text(db: sqlite3.Connection) -> None:
    """Text columns holding a lone surrogate (CESU-8 ``ED A0 80``) and a byte that is not UTF-8 (``FF``)."""
    add_graded(db, 6, "s_lone_surrogate", "4" * 64, [("softmax_temperature", 0.0, 4.0, 0, 1)],
               [{"output": Raw("CAST(X'61EDA08062' AS TEXT)"), "name": Raw("CAST(X'6EFF' AS TEXT)")}],
               messages=Raw("CAST(X'5B22EDA080225D' AS TEXT)"), error=Raw("CAST(X'FF' AS TEXT)"))


def shown(out: Path) -> str:
    """Everything the exports wrote, as text."""
    files = [*out.glob("*.csv"), out / "report.html", *out.glob("*/feedback.*"), *out.glob("*/results.json")]
    return "\n".join(p.read_text(errors="strict") for p in files)


def assert_sanitised(out: Path) -> None:
    text = shown(out)
    assert "\x00" not in text
    assert not re.search(r"[\ud800-\udfff]", text)
    assert not re.search(r"\b(nan|NaN|inf|Infinity)\b", text), re.search(r".{40}\b(nan|NaN|inf|Infinity)\b.{40}", text)
    for row in csv.DictReader((out / f"{NAME}_scores.csv").open()):
        for q, points in POINTS.items():
            assert 0 <= float(row[q]) <= points, (row["student"], q, row[q])
        assert 0 <= float(row["total"]) <= float(row["max_total"]) <= sum(POINTS.values()), row["student"]


def grade_and_export(tmp_path: Path, build) -> tuple[Run, Path]:
    """A gradebook built by ``build(db, digest)``, then ``grade`` of one student whose content it holds (so
    nothing is graded afresh: the stored row is reused) and every export."""
    subs, out = tmp_path / "subs", tmp_path / "out"
    subs.mkdir()
    (subs / "s_above_maximum.py").write_text(ALL + "\n# stored by hand\n")
    out.mkdir()
    db = lenient_gradebook(out / "gradebook.sqlite")
    build(db, sha256(subs / "s_above_maximum.py"))
    db.close()
    run = grade(subs, out)
    for fmt in EXPORTS:
        assert export(fmt, out) == 0, fmt
    return run, out


def test_bad_rows_never_crash_grade_or_an_export(tmp_path):
    run, out = grade_and_export(tmp_path, add_bad_rows)
    assert run.code == 0 and "warning:" not in run.stderr, run.stderr
    assert "0 graded, 1 reused" in run.stdout, run.stdout
    data = results_json(out, "s_above_maximum")
    assert data["score"] == POINTS["softmax_temperature"]
    assert all(t.get("score", 0) <= t.get("max_score", 0) for t in data["tests"])
    students = {r["student"] for r in csv.DictReader((out / f"{NAME}_scores.csv").open())}
    assert students == {"s_nulls", "s_messages_not_json", "s_above_maximum", "s_not_finite", "s_nul_and_long_text"}
    assert_sanitised(out)
    stored = 500 * 10_000 + 100_000  # what the row holds
    shown_at_most = MAX_MESSAGES * MAX_MESSAGE + MAX_OUTPUT + 10_000
    assert len((out / "s_nul_and_long_text" / "feedback.md").read_text()) <= shown_at_most < stored


def test_text_that_is_not_utf8_never_crashes_an_export(tmp_path):
    def build(db: sqlite3.Connection, digest: str) -> None:
        add_bad_rows(db, digest)
        add_invalid_text(db)

    run, out = grade_and_export(tmp_path, build)
    assert run.code == 0 and "warning:" not in run.stderr, run.stderr
    assert_sanitised(out)
    assert "\N{REPLACEMENT CHARACTER}" in (out / "s_lone_surrogate" / "feedback.md").read_text()
