"""The SQLite gradebook: a run killed with SIGKILL resumes where it stopped, an unchanged run grades
nothing, ``--regrade`` names the tests that flipped; plus lateness, fingerprints and storage."""

from __future__ import annotations

import csv
import hashlib
import json
import os
import re
import shutil
import signal
import sqlite3
import subprocess
import time
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import psutil
import pytest

from autograder.audit.variants import Variant, variant_source
from autograder.config import AssignmentPaths, LatePolicy, Limits, load_config
from autograder.gradebook import fingerprint
from autograder.gradebook.deltas import compare
from autograder.gradebook.model import StudentIdentity
from autograder.gradebook.queries import latest, ungraded
from autograder.gradebook.store import Gradebook, ResultKey, SubmissionRecord
from autograder.scoring import results as scoring
from autograder.scoring.late import lateness

ROOT = Path(__file__).resolve().parents[1]
AUTOGRADER = ROOT / ".venv" / "bin" / "autograder"
PATHS = AssignmentPaths(name="style_transfer", root=ROOT)
REFERENCE = PATHS.solution.read_text()
STUDENTS = [f"s{i:02d}" for i in range(1, 13)]


def command(subs: Path, out: Path, *extra: str) -> list[str]:
    return [str(AUTOGRADER), "grade", str(subs), "--assignment", "style_transfer", "--out", str(out),
            "--workers", "2", *extra]


def query(db_path: Path, sql: str, *args: object) -> list[tuple]:
    db = sqlite3.connect(f"file:{db_path}?mode=ro", uri=True, timeout=10)
    try:
        return db.execute(sql, args).fetchall()
    finally:
        db.close()


def result_rows(db_path: Path) -> int:
    try:
        return query(db_path, "SELECT count(*) FROM results")[0][0]
    except sqlite3.OperationalError:
        return 0


def family(pid: int) -> list[psutil.Process]:
    try:
        parent = psutil.Process(pid)
        return [parent, *parent.children(recursive=True)]
    except psutil.NoSuchProcess:
        return []


@dataclass
class Resumed:
    subs: Path
    out: Path
    killed_at: int
    orphans: list[psutil.Process]
    second: subprocess.CompletedProcess
    seconds: float

    @property
    def db(self) -> Path:
        return self.out / "gradebook.sqlite"


@pytest.fixture(scope="module")
def resumed(tmp_path_factory) -> Resumed:
    """Twelve small submissions; the first run is killed with SIGKILL once a result is stored, then rerun."""
    tmp = tmp_path_factory.mktemp("resume")
    subs, out = tmp / "subs", tmp / "out"
    subs.mkdir()
    for i, key in enumerate(STUDENTS):
        (subs / f"{key}.py").write_text(f"{REFERENCE}\nimport time\ntime.sleep(0.5)\nVARIANT = {i}\n")
    start = time.monotonic()
    with (tmp / "first.log").open("w") as log:
        first = subprocess.Popen(command(subs, out), stdout=log, stderr=subprocess.STDOUT, cwd=ROOT)
        deadline = time.monotonic() + 400
        while result_rows(out / "gradebook.sqlite") < 1:
            assert first.poll() is None and time.monotonic() < deadline, "the first run never stored a result"
            time.sleep(0.02)
        processes = family(first.pid)
        os.kill(first.pid, signal.SIGKILL)
        first.wait()
    killed_at = result_rows(out / "gradebook.sqlite")
    _, orphans = psutil.wait_procs(processes[1:], timeout=30)
    second = subprocess.run(command(subs, out), capture_output=True, text=True, cwd=ROOT, timeout=600)
    seconds = time.monotonic() - start
    print(f"kill -9 after {killed_at} of 12 results; kill + resume took {seconds:.1f} s")
    return Resumed(subs, out, killed_at, orphans, second, seconds)


def test_a_run_killed_with_sigkill_resumes_where_it_stopped(resumed):
    assert 1 <= resumed.killed_at < len(STUDENTS), "the kill must land mid-run"
    assert not resumed.orphans, f"workers or sandboxes outlived the killed grader: {resumed.orphans}"
    assert resumed.second.returncode == 0, resumed.second.stderr
    runs = query(resumed.db, "SELECT finished_at IS NOT NULL, graded, reused FROM runs ORDER BY id")
    assert runs == [(0, 0, 0), (1, len(STUDENTS) - resumed.killed_at, resumed.killed_at)]
    per_submission = query(resumed.db, "SELECT s.student_key, count(r.id) FROM submissions s LEFT JOIN results r"
                                       " ON r.sha256 = s.sha256 AND r.assignment = s.assignment GROUP BY s.id")
    assert sorted(per_submission) == [(k, 1) for k in STUDENTS], "exactly one result row per submission"
    rows = list(csv.DictReader((resumed.out / "grades.csv").open()))
    assert sorted(r["submission"] for r in rows) == STUDENTS and {r["total"] for r in rows} == {"9"}
    for key in STUDENTS:
        assert json.loads((resumed.out / key / "results.json").read_text())["score"] == 9


def test_progress_in_a_log_is_plain_lines_and_one_summary(resumed):
    text = resumed.second.stdout
    assert "\r" not in text and "\x1b[" not in text and "━" not in text, "no progress bar outside a terminal"
    lines = text.strip().splitlines()
    graded = len(STUDENTS) - resumed.killed_at
    assert sorted(re.findall(r"^  (s\d\d): 9/9$", text, re.M)) == sorted(
        k for k, in query(resumed.db, "SELECT s.student_key FROM run_items i JOIN submissions s ON s.id ="
                                      " i.submission_id WHERE i.run_id = 2 AND i.status = 'graded'"))
    summaries = [line for line in lines if line.startswith("style_transfer: ")]
    assert summaries == [lines[-1]]
    assert lines[-1].startswith(f"style_transfer: 12 submission(s): {graded} graded, {resumed.killed_at} reused")
    assert "0 could not run, 0 timed out" in lines[-1]


def test_an_unchanged_run_grades_nothing_and_still_writes_every_output(resumed):
    (resumed.out / "grades.csv").unlink()
    (resumed.out / "s05" / "results.json").unlink()
    before = result_rows(resumed.db)
    third = subprocess.run(command(resumed.subs, resumed.out), capture_output=True, text=True, cwd=ROOT, timeout=600)
    assert third.returncode == 0, third.stderr
    run_id, graded, reused = query(resumed.db, "SELECT id, graded, reused FROM runs ORDER BY id DESC LIMIT 1")[0]
    assert (graded, reused) == (0, len(STUDENTS))
    assert query(resumed.db, "SELECT count(*) FROM results WHERE run_id = ?", run_id) == [(0,)]
    assert result_rows(resumed.db) == before
    assert query(resumed.db, "SELECT DISTINCT status FROM run_items WHERE run_id = ?", run_id) == [("reused",)]
    assert len(list(csv.DictReader((resumed.out / "grades.csv").open()))) == len(STUDENTS)
    assert json.loads((resumed.out / "s05" / "results.json").read_text())["score"] == 9


def test_regrade_prints_each_students_change_and_the_tests_that_flipped(resumed, tmp_path):
    subs, out = tmp_path / "subs", tmp_path / "out"
    shutil.copytree(resumed.subs, subs)
    shutil.copytree(resumed.out, out)
    mutant = PATHS.mutants / "gram_matrix__normalised_by_hw.py"
    (subs / "s01.py").write_text(variant_source(PATHS, Variant(mutant, "gram_matrix", "normalised_by_hw")))
    regrade = subprocess.run(command(subs, out, "--regrade"), capture_output=True, text=True, cwd=ROOT,
                             timeout=600)
    assert regrade.returncode == 0, regrade.stderr
    failed = [t["name"] for t in json.loads((out / "s01" / "results.json").read_text())["tests"]
              if t.get("status") == "failed"]
    assert failed and all(name.startswith("gram_matrix: ") for name in failed)
    deltas = [line for line in regrade.stdout.splitlines() if line.startswith("  regrade ")]
    assert len(deltas) == 1, "only the student whose result changed is listed"
    line = deltas[0]
    total = json.loads((out / "s01" / "results.json").read_text())["score"]
    assert line.startswith(f"  regrade s01: 9 -> {total:g} (down {9 - total:g}); now failing: ")
    listed = line.split("now failing: ", 1)[1]
    shown = [name for name in failed if name in listed]
    more = re.search(r" and (\d+) more$", listed)
    assert len(shown) + (int(more[1]) if more else 0) == len(failed) and shown
    assert "regrade: 0 up, 1 down, 11 same" in regrade.stdout.strip().splitlines()[-1]
    graded, reused, regraded = query(out / "gradebook.sqlite",
                                     "SELECT graded, reused, regrade FROM runs ORDER BY id DESC LIMIT 1")[0]
    assert (graded, reused, regraded) == (len(STUDENTS), 0, 1), "--regrade grades everything again"
    s02 = hashlib.sha256((subs / "s02.py").read_bytes()).hexdigest()
    assert query(out / "gradebook.sqlite", "SELECT count(*) FROM results WHERE sha256 = ?", s02) == [(2,)]


# --- pieces, without grading -----------------------------------------------------------------------

def test_late_policies():
    due = datetime(2024, 3, 1, 17, 0, tzinfo=UTC)
    at = due + timedelta(days=1, hours=2)
    assert lateness(at, due, LatePolicy()).penalty == 0 and lateness(at, due, LatePolicy()).days_late > 1
    assert lateness(at, due, LatePolicy(kind="zero")).penalty == 1
    per_day = LatePolicy(kind="percent_per_day", percent=10, grace_minutes=15)
    assert lateness(at, due, per_day).penalty == pytest.approx(0.2), "every started day counts"
    assert lateness(due + timedelta(minutes=14), due, per_day).days_late == 0, "within the grace period"
    assert lateness(due + timedelta(minutes=16), due, per_day).penalty == pytest.approx(0.1)
    assert lateness(due + timedelta(days=30), due, per_day).penalty == 1, "never more than the whole score"
    assert lateness(None, due, per_day).penalty == 0 and lateness(at, None, per_day).penalty == 0
    naive_due = datetime(2024, 3, 1, 17, 0)
    in_utc = naive_due.replace(tzinfo=UTC)
    assert lateness(in_utc + timedelta(hours=1), naive_due, LatePolicy()).days_late == pytest.approx(
        1 / 24, abs=1e-6), "a due date without a zone is UTC"


def test_the_fingerprint_follows_tests_reference_config_and_limits(tmp_path):
    config, _ = load_config(ROOT / "grading_config.yaml")
    spec, limits = config.assignments["style_transfer"], config.limits
    for d in ("assignments/style_transfer", "solutions/style_transfer"):
        shutil.copytree(ROOT / d, tmp_path / d, ignore=shutil.ignore_patterns("__pycache__"))
    paths = AssignmentPaths(name="style_transfer", root=tmp_path)
    base = fingerprint.tests_fingerprint(paths, spec, limits)
    assert base == fingerprint.tests_fingerprint(PATHS, spec, limits), "the same files give the same fingerprint"
    changed = spec.model_copy(update={"hidden_visibility": "visible"})
    assert fingerprint.tests_fingerprint(paths, changed, limits) != base
    moved = spec.model_copy(update={"title": "x", "due": datetime(2030, 1, 1, tzinfo=UTC)})
    assert fingerprint.tests_fingerprint(paths, moved, limits) == base, "a new title or due date regrades nothing"
    assert fingerprint.tests_fingerprint(paths, spec, Limits(call_seconds=1)) != base
    (paths.hidden_tests / "__pycache__").mkdir()
    (paths.hidden_tests / "__pycache__" / "x.pyc").write_bytes(b"cache")
    assert fingerprint.tests_fingerprint(paths, spec, limits) == base, "caches do not count"
    with (paths.public_tests / "gram_matrix.py").open("a") as f:
        f.write("\n# changed\n")
    assert fingerprint.tests_fingerprint(paths, spec, limits) != base


def fake_result(key: str, passed: list[bool]) -> scoring.SubmissionResult:
    tests = [scoring.TestResult(f"hidden/t{i}", f"q: test {i}", "q", "visible", False, ok, 1.0 if ok else 0.0, 1.0,
                        "passed" if ok else "wrong", 0.1, "" if ok else "assertion") for i, ok in enumerate(passed)]
    return scoring.SubmissionResult(submission=key, path=f"/x/{key}.py", assignment="a", tests=tests,
                            questions=[scoring.QuestionResult("q", float(sum(passed)), float(len(passed)), sum(passed),
                                                      len(passed))], messages=["Note: hello."])


def test_store_keeps_students_submissions_and_results(tmp_path):
    config, _ = load_config(ROOT / "grading_config.yaml")
    spec = config.assignments["style_transfer"].model_copy(update={
        "due": datetime(2024, 3, 1, tzinfo=UTC), "late_policy": LatePolicy(kind="zero")})
    key = ResultKey("a", "tests-hash", "1.0")
    jane = StudentIdentity(key="jane", name="Jane Doe", login="jdoe", lms_id="7", source="canvas")
    with Gradebook(tmp_path / "gb.sqlite") as book:
        assert book.db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        run = book.start_run(key, spec, regrade=False, command="test", submissions=2, superseded=1)
        old = book.record_submission(run, "a", SubmissionRecord(jane, "sha-old", ".py", "hw.py", "/d/old", (1.0,),
                                                                 datetime(2024, 2, 28, tzinfo=UTC)))
        new = book.record_submission(run, "a", SubmissionRecord(StudentIdentity(key="jane", source="files"), "sha-new",
                                                                 ".py", "hw.py", "/d/new", (2.0,),
                                                                 datetime(2024, 3, 2, tzinfo=UTC), late=True))
        bob = book.record_submission(run, "a", SubmissionRecord(StudentIdentity(key="bob"), "sha-bob", ".py", "b.py",
                                                                 "/d/bob", (1.0,)))
        stored = fake_result("jane", [True, False, True])
        book.save_result(run, new, key, "sha-new", ".py", stored)
        book.link(run, [(old, None, "superseded")])
        book.finish_run(run)
        assert book.stored_result(key, "sha-new", ".py") is not None
        assert book.stored_result(ResultKey("a", "other-tests", "1.0"), "sha-new", ".py") is None
        assert book.stored_result(key, "sha-new", ".ipynb") is None
        [graded] = latest(book, "a", spec)
        assert ungraded(book, "a") == ["bob"]
        assert len({old, new, bob}) == 3, "each content and time is its own submission"
        assert graded.student == jane, "a plain-file record does not erase what the LMS said"
        assert (graded.superseded, graded.late, graded.days_late, graded.penalty) == (1, True, 1.0, 1.0)
        assert graded.final_score == 0 and graded.origin == "/d/new"
        assert graded.result.to_dict() == {**stored.to_dict(), "path": "/d/new"}
        assert book.previous_result("a", "jane").total == 2
        assert [r[0] for r in book.db.execute("SELECT superseded FROM submissions ORDER BY id")] == [1, 0, 0]


def test_compare_names_flipped_tests():
    delta = compare("jane", fake_result("jane", [True, True, False]), fake_result("jane", [True, False, True]))
    assert (delta.now_failing, delta.now_passing, delta.direction) == (("q: test 1",), ("q: test 2",), "same")
    assert delta.describe() == "jane: 2 -> 2 (same score); now failing: q: test 1; now passing: q: test 2"
    down = compare("bob", fake_result("bob", [True, True]), fake_result("bob", [False, False]))
    assert down.describe().startswith("bob: 2 -> 0 (down 2); now failing: q: test 0, q: test 1")
    assert compare("new", None, fake_result("new", [True])).describe() == "new: 1 (first result)"
