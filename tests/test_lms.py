"""LMS bulk downloads (Canvas, Moodle, Gradescope; zipped and unpacked) and plain files: who each
submission belongs to, which one counts, and one real grading run over all three downloads."""

from __future__ import annotations

import csv
import hashlib
import json
import os
import sqlite3
import subprocess
import zipfile
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from lms_downloads import BROKEN, FULL, PARTLY, REFERENCE, canvas_zip, gradescope_zip, moodle_zip

from autograder.config import Assignment, LatePolicy, load_config
from autograder.gradebook import queries
from autograder.gradebook.model import StudentIdentity
from autograder.gradebook.store import Gradebook
from autograder.lms.canvas import CanvasName, parse_name
from autograder.lms.collect import collect
from autograder.lms.gradescope import parse_metadata
from autograder.lms.keys import safe_key
from autograder.lms.model import Collection
from autograder.lms.stage import stage

ROOT = Path(__file__).resolve().parents[1]
AUTOGRADER = ROOT / ".venv" / "bin" / "autograder"


def chosen(c: Collection) -> dict:
    return {x.key: x for x in c.chosen}


def content(candidate) -> bytes:
    return candidate.entry.read(10**8)


def unpack(zip_path: Path, dest: Path) -> Path:
    """Unzip as a person would, keeping each member's time as the file's mtime."""
    with zipfile.ZipFile(zip_path) as zf:
        zf.extractall(dest)
        for info in zf.infolist():
            t = datetime(*info.date_time).timestamp()
            os.utime(dest / info.filename, (t, t))
    return dest


def test_canvas_names_are_split_into_their_parts():
    assert parse_name("doejane_LATE_12345_678901_hw3-2.ipynb") == CanvasName("doejane", True, "12345", 678901,
                                                                             "hw3.ipynb", 2, "hw3-2.ipynb")
    assert parse_name("doejane_12345_678901_my_hw_3.ipynb") == CanvasName("doejane", False, "12345", 678901,
                                                                          "my_hw_3.ipynb", 0, "my_hw_3.ipynb")
    assert parse_name("full_marks.ipynb") is None and parse_name("doe_jane_hw.ipynb") is None


@pytest.mark.parametrize("unpacked", [False, True])
def test_canvas_download(tmp_path, unpacked):
    download = canvas_zip(tmp_path / "submissions.zip")
    got = collect([unpack(download, tmp_path / "submissions") if unpacked else download])
    by_key = chosen(got)
    assert set(by_key) == {"doejane", "smithbob", "leeann"}
    jane = by_key["doejane"]
    assert jane.identity == StudentIdentity(key="doejane", login="doejane", lms_id="12345", source="canvas")
    assert content(jane) == PARTLY and jane.late, "the higher submission id counts, and it was LATE"
    assert jane.filename == "style_transfer.ipynb"
    bob = by_key["smithbob"]
    assert content(bob) == FULL and not bob.late and bob.entry.name.endswith("style_transfer-1.ipynb")
    assert content(by_key["leeann"]) == REFERENCE
    older = {(s.older.entry.name, s.newer.key, s.older.late) for s in got.superseded}
    assert older == {("doejane_12345_678901_style_transfer.ipynb", "doejane", False),
                     ("smithbob_23456_678902_style_transfer.ipynb", "smithbob", False)}
    if unpacked:
        assert jane.entry.file_path is not None and jane.entry.zip_path is None


@pytest.mark.parametrize("unpacked", [False, True])
def test_moodle_download(tmp_path, unpacked):
    download = moodle_zip(tmp_path / "moodle.zip")
    got = collect([unpack(download, tmp_path / "moodle") if unpacked else download])
    by_key = chosen(got)
    assert set(by_key) == {"Jane_Doe_1001", "Ana_María_Núñez_1002"}
    jane = by_key["Jane_Doe_1001"]
    assert jane.identity == StudentIdentity(key="Jane_Doe_1001", name="Jane Doe", lms_id="1001", source="moodle")
    assert jane.filename == "style_transfer_fixed.ipynb" and content(jane) == PARTLY, "the newer file counts"
    assert jane.submitted_at == datetime(2024, 3, 1, 12, 30).astimezone()
    assert by_key["Ana_María_Núñez_1002"].identity.name == "Ana María Núñez"
    assert [(s.older.filename, s.newer.key) for s in got.superseded] == [("style_transfer.ipynb", "Jane_Doe_1001")]


def test_moodle_student_folder_given_on_its_own(tmp_path):
    folder = unpack(moodle_zip(tmp_path / "moodle.zip"), tmp_path / "m") / "Jane Doe_1001_assignsubmission_file_"
    assert list(chosen(collect([folder]))) == ["Jane_Doe_1001"]


@pytest.mark.parametrize("unpacked", [False, True])
def test_gradescope_export(tmp_path, unpacked):
    download = gradescope_zip(tmp_path / "export.zip")
    got = collect([unpack(download, tmp_path / "export") if unpacked else download])
    by_key = chosen(got)
    assert set(by_key) == {"111", "bob.smith@example.edu", "333"}, "sid, else email"
    jane = by_key["111"]
    assert jane.identity == StudentIdentity(key="111", name="Jane Doe", email="jane.doe@example.edu",
                                            login="jane.doe@example.edu", sis_id="111", source="gradescope")
    pacific = timezone(timedelta(hours=-8))
    assert jane.submitted_at == datetime(2024, 3, 2, 8, 15, tzinfo=pacific) and content(jane) == PARTLY
    assert content(by_key["bob.smith@example.edu"]) == content(by_key["333"]) == REFERENCE, "a group submission"
    assert by_key["333"].identity.name == "Carol King"
    assert [(s.older.group, s.newer.key) for s in got.superseded] == [("gradescope:submission_9001", "111")]


def test_gradescope_metadata_survives_ruby_tags():
    text = ("submission_1:\n  :submitters: !ruby/array:Array\n  - :name: A B\n    :sid: 7\n    :email: a@b.c\n"
            "  :created_at: 2024-01-02 03:04:05.678901234 +01:00\n"
            "  :results: !ruby/hash:ActiveSupport::HashWithIndifferentAccess\n    score: 1\n")
    sub = parse_metadata(text)["submission_1"]
    assert sub.submitters[0].sid == "7" and sub.submitters[0].name == "A B"
    assert sub.created_at == datetime(2024, 1, 2, 3, 4, 5, 678901, tzinfo=timezone(timedelta(hours=1)))


def test_plain_files_are_each_their_own_submission_keyed_by_stem(tmp_path):
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    first, second = tmp_path / "a" / "alice.ipynb", tmp_path / "b" / "alice.py"
    first.write_bytes(FULL)
    second.write_bytes(REFERENCE)
    with zipfile.ZipFile(tmp_path / "bob.zip", "w") as zf:
        zf.writestr("work/bob's notebook.ipynb", BROKEN)
    got = collect([tmp_path])
    by_key = chosen(got)
    assert set(by_key) == {"alice", "alice-2", "bob"}, "plain files never replace each other"
    assert by_key["alice"].entry.file_path == first.resolve()
    assert by_key["alice-2"].entry.file_path == second.resolve()
    assert by_key["bob"].entry.file_path == (tmp_path / "bob.zip").resolve(), \
        "a zip holding one notebook is one submission"
    assert got.superseded == []


def test_keys_are_safe_file_names():
    assert safe_key("Jane Doe_1001") == "Jane_Doe_1001"
    assert safe_key("../../etc/passwd") == "etc_passwd"
    assert safe_key("bob.smith@example.edu") == "bob.smith@example.edu"
    assert safe_key("  ") == "student" and safe_key("a/b\\c:d") == "a_b_c_d"


def test_zip_members_are_staged_under_their_own_name_and_fingerprinted(tmp_path):
    download = canvas_zip(tmp_path / "submissions.zip")
    jane = chosen(collect([download]))["doejane"]
    staged = stage(jane, tmp_path / "staging")
    assert staged.path.name == "style_transfer.ipynb" and staged.path.read_bytes() == PARTLY and not staged.error
    assert staged.sha256 == hashlib.sha256(PARTLY).hexdigest()
    data = bytearray(download.read_bytes())
    start = data.find(b"doejane_LATE_") + len("doejane_LATE_12345_678950_style_transfer.ipynb")
    data[start + 10:start + 60] = b"\xff" * 50
    download.write_bytes(bytes(data))
    broken = stage(chosen(collect([download]))["doejane"], tmp_path / "staging2")
    assert broken.error and not broken.path.exists() and broken.sha256 != staged.sha256


# --- one real run: all three downloads, zipped, through the command line --------------------------

# The partly wrong example's total as in tests/golden/style_transfer/grades.csv.
EXPECTED = {"doejane": 4.4231, "smithbob": 9, "leeann": 9, "Jane_Doe_1001": 4.4231, "Ana_María_Núñez_1002": 9,
            "111": 4.4231, "bob.smith@example.edu": 9, "333": 9}


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("lms-run")
    downloads = [canvas_zip(tmp / "canvas.zip"), moodle_zip(tmp / "moodle.zip"), gradescope_zip(tmp / "gs.zip")]
    out, book = tmp / "out", tmp / "books" / "lms.sqlite"
    proc = subprocess.run([str(AUTOGRADER), "grade", *map(str, downloads), "--assignment", "style_transfer",
                           "--out", str(out), "--workers", "2", "--gradebook", str(book)], capture_output=True,
                          text=True, cwd=ROOT, timeout=600)
    assert proc.returncode == 0, proc.stderr
    assert book.is_file() and not (out / "gradebook.sqlite").exists(), "--gradebook puts the gradebook elsewhere"
    return out, proc.stdout


def test_lms_run_writes_one_row_and_results_per_student(graded):
    out, _ = graded
    rows = {r["submission"]: r for r in csv.DictReader((out / "grades.csv").open())}
    assert {k: float(r["total"]) for k, r in rows.items()} == pytest.approx(EXPECTED)
    for key, total in EXPECTED.items():
        assert json.loads((out / key / "results.json").read_text())["score"] == pytest.approx(total)


def test_lms_run_summary_names_the_superseded_submissions(graded):
    _, stdout = graded
    assert "doejane: a later submission counts" in stdout and "smithbob: a later submission counts" in stdout
    summary = stdout.strip().splitlines()[-1]
    assert summary.startswith("style_transfer: 8 submission(s)") and "4 older submission(s) superseded" in summary


def test_identical_files_are_graded_once(graded):
    out, _ = graded
    db = sqlite3.connect(out.parent / "books" / "lms.sqlite")
    assert db.execute("SELECT graded, reused, superseded FROM runs").fetchall() == [(3, 5, 4)]
    assert db.execute("SELECT count(*) FROM results").fetchone()[0] == 3, "three distinct files"


def test_latest_gives_identity_lateness_and_penalty(graded):
    out, _ = graded
    config, _ = load_config(ROOT / "grading_config.yaml")
    due = datetime(2024, 3, 2, 12, 0, tzinfo=timezone(timedelta(hours=-8)))
    spec = Assignment(**{**config.assignments["style_transfer"].model_dump(), "due": due,
                         "late_policy": LatePolicy(kind="percent_per_day", percent=10, grace_minutes=30)})
    with Gradebook(out.parent / "books" / "lms.sqlite") as book:
        latest = {g.student.key: g for g in queries.latest(book, "style_transfer", spec)}
    assert set(latest) == set(EXPECTED)
    jane = latest["doejane"]
    assert jane.late and jane.student.lms_id == "12345" and jane.superseded == 1
    days = (datetime(2024, 3, 4, 9, 0).astimezone() - due).total_seconds() / 86400
    assert jane.days_late == pytest.approx(days) and jane.penalty == pytest.approx(0.1 * -(-days // 1))
    assert jane.final_score == pytest.approx(round(4.4231 * (1 - jane.penalty), 4))
    on_time = latest["111"]
    assert (on_time.days_late, on_time.penalty, on_time.late) == (0.0, 0.0, False)
    assert on_time.student.email == "jane.doe@example.edu" and on_time.result.total == pytest.approx(4.4231)
    assert latest["bob.smith@example.edu"].result.total == 9 and latest["333"].student.name == "Carol King"
