"""Exports from the gradebook: Canvas, Moodle and plain CSVs, student feedback files that respect test
visibility, and the tutor report. One real grading run (Canvas, Moodle and Gradescope downloads of
the style_transfer examples) feeds every test; lateness comes from a config written here, so no
test depends on the wall clock or on the example deadline in grading_config.yaml."""

from __future__ import annotations

import base64
import csv
import subprocess
import time
from dataclasses import dataclass
from datetime import datetime
from html.parser import HTMLParser
from pathlib import Path

import pytest
import yaml
from lms_downloads import BROKEN, PARTLY, canvas_zip, gradescope_zip, moodle_zip, write_zip
from markupsafe import escape
from synthetic_gradebook import build as build_synthetic
from synthetic_gradebook import identity

from autograder.config import load_config
from autograder.exports import canvas, generic, moodle
from autograder.exports.failures import normalise, signature_groups
from autograder.exports.feedback import NOT_RUN
from autograder.exports.source import ExportData, load_export
from autograder.exports.table import points
from autograder.exports.templating import md_escape
from autograder.gradebook.model import GradedSubmission

ROOT = Path(__file__).resolve().parents[1]
AUTOGRADER = ROOT / ".venv" / "bin" / "autograder"
NAME = "style_transfer"
TITLE = "Neural style transfer"
DUE = "2024-03-02T12:00:00-08:00"  # doejane's LATE Canvas resubmission and José's Moodle upload come after it


def extra_moodle_zip(path: Path) -> Path:
    """Two more Moodle students: a name with a comma, submitted days late; a notebook that cannot run."""
    return write_zip(path, [
        ("Núñez, José_1003_assignsubmission_file_/style_transfer.ipynb", PARTLY, (2024, 3, 5, 9, 0, 0)),
        ("Lee, Kim_1004_assignsubmission_file_/style_transfer.ipynb", BROKEN, (2024, 3, 1, 9, 0, 0)),
    ])


def late_config(path: Path) -> Path:
    """The project's config with a known deadline and 10% a started day for style_transfer, and no written
    question."""
    data = yaml.safe_load((ROOT / "grading_config.yaml").read_text())
    data["assignments"][NAME].update(due=DUE, late_policy={"kind": "percent_per_day", "percent": 10,
                                                           "grace_minutes": 30})
    data["assignments"][NAME].pop("written", None)  # these tests are about automatic marks (tests/test_written.py)
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False))
    return path


@dataclass
class Graded:
    out: Path
    config: Path
    stdout: str
    data: ExportData

    def export(self, *args: str) -> subprocess.CompletedProcess:
        return subprocess.run([str(AUTOGRADER), "--config", str(self.config), "export", *args, "--assignment", NAME,
                               "--out-dir", str(self.out)], capture_output=True, text=True, cwd=ROOT, timeout=300)

    def by_key(self, key: str) -> GradedSubmission:
        return next(g for g in self.data.graded if g.student.key == key)


@pytest.fixture(scope="module")
def graded(tmp_path_factory) -> Graded:
    tmp = tmp_path_factory.mktemp("exports")
    downloads = [canvas_zip(tmp / "canvas.zip"), moodle_zip(tmp / "moodle.zip"), extra_moodle_zip(tmp / "more.zip"),
                 gradescope_zip(tmp / "gs.zip")]
    out = tmp / "out"
    proc = subprocess.run([str(AUTOGRADER), "grade", *map(str, downloads), "--assignment", NAME, "--out", str(out),
                           "--workers", "2"], capture_output=True, text=True, cwd=ROOT, timeout=900)
    assert proc.returncode == 0, proc.stderr
    config = late_config(tmp / "grading_config.yaml")
    return Graded(out, config, proc.stdout, load_export(out / "gradebook.sqlite", NAME, config))


def read_csv(path: Path) -> list[list[str]]:
    with path.open(newline="", encoding="utf-8") as f:
        return list(csv.reader(f))


def dict_rows(path: Path) -> list[dict[str, str]]:
    with path.open(newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f))


# --- the graded batch and its lateness -----------------------------------------------------------------

def test_the_batch_has_late_and_on_time_students(graded):
    keys = {g.student.key for g in graded.data.graded}
    assert keys == {"doejane", "smithbob", "leeann", "Jane_Doe_1001", "Ana_María_Núñez_1002", "Núñez_José_1003",
                    "Lee_Kim_1004", "111", "bob.smith@example.edu", "333"}
    jane, jose = graded.by_key("doejane"), graded.by_key("Núñez_José_1003")
    assert jane.penalty > 0 and jose.penalty > 0 and 0 < jane.final_score < jane.result.total
    assert graded.by_key("111").penalty == 0 and graded.by_key("Jane_Doe_1001").penalty == 0
    assert graded.data.spec_from == "grading_config.yaml"


def test_the_documented_example_deadline_parses():
    spec = load_config(ROOT / "grading_config.yaml")[0].assignments[NAME]
    assert spec.due is not None and spec.late_policy.kind == "percent_per_day" and spec.late_policy.percent == 10


# --- Canvas ----------------------------------------------------------------------------------------------

def test_canvas_csv_has_the_import_columns_points_row_and_late_adjusted_scores(graded):
    proc = graded.export("canvas")
    assert proc.returncode == 0, proc.stderr
    rows = read_csv(graded.out / f"{NAME}_canvas.csv")
    assert rows[0] == ["Student", "ID", "SIS User ID", "SIS Login ID", "Section", TITLE] == canvas.IDENTITY + [TITLE]
    assert rows[1] == ["Points Possible", "", "", "", "", "9"]
    body = rows[2:]
    assert len(body) == len(graded.data.graded) and all(len(r) == 6 for r in body)
    by_id = {r[1]: r for r in body if r[1]}
    assert set(by_id) == {"12345", "23456", "34567"}, "only Canvas downloads give Canvas user ids"
    jane = graded.by_key("doejane")
    assert by_id["12345"][5] == points(jane.final_score) and float(by_id["12345"][5]) < jane.result.total
    names = {r[0]: r for r in body}
    assert names["Núñez, José"][1:5] == ["", "", "", ""], "a Moodle participant id is no Canvas id"
    assert names["Núñez, José"][5] == points(graded.by_key("Núñez_José_1003").final_score)
    jane_doe = {tuple(r[1:4]) for r in body if r[0] == "Jane Doe"}
    assert jane_doe == {("", "", ""), ("", "111", "jane.doe@example.edu")}, "Moodle's and Gradescope's Jane Doe"
    assert '"Núñez, José"' in (graded.out / f"{NAME}_canvas.csv").read_text(encoding="utf-8")


def test_canvas_column_by_id_and_rescaled(graded, tmp_path):
    target = tmp_path / "c.csv"
    assert graded.export("canvas", "--canvas-id", "4242", "--out-of", "100", "-o", str(target)).returncode == 0
    rows = read_csv(target)
    assert rows[0][5] == f"{TITLE} (4242)" and rows[1][5] == "100"
    bob = next(r for r in rows if r[1] == "23456")
    assert bob[5] == "100", "full marks"


# --- Moodle ----------------------------------------------------------------------------------------------

def test_moodle_worksheet_keyed_by_participant_with_grade_and_feedback(graded):
    proc = graded.export("moodle")
    assert proc.returncode == 0, proc.stderr
    path = graded.out / f"{NAME}_moodle.csv"
    rows = dict_rows(path)
    assert list(rows[0]) == moodle.WORKSHEET
    by_id = {r["Identifier"]: r for r in rows}
    assert set(by_id) == {"Participant 1001", "Participant 1002", "Participant 1003", "Participant 1004"}
    assert "left out" in proc.stderr and "doejane" in proc.stderr, "students Moodle cannot identify are named"
    jose = graded.by_key("Núñez_José_1003")
    row = by_id["Participant 1003"]
    assert row["Full name"] == "Núñez, José" and row["Grade"] == points(jose.final_score)
    assert row["Maximum Grade"] == "9" and datetime.fromisoformat(row["Last modified (grade)"])
    feedback = row["Feedback comments"]
    assert feedback.startswith(f"Total {points(jose.result.total)}/9 (gram_matrix ")
    assert "style_loss" in feedback and "content_loss" in feedback and "late" in feedback
    assert f"-{points(jose.penalty * 100, 1)}%" in feedback
    assert by_id["Participant 1004"]["Grade"] == "0" and "could not be run" in by_id["Participant 1004"][
        "Feedback comments"]
    assert "Ana María Núñez".encode() in path.read_bytes(), "UTF-8"


def test_moodle_gradebook_layout_keyed_by_email(graded, tmp_path):
    target = tmp_path / "m.csv"
    proc = graded.export("moodle", "--layout", "gradebook", "-o", str(target))
    assert proc.returncode == 0, proc.stderr
    rows = dict_rows(target)
    assert list(rows[0]) == moodle.GRADEBOOK
    by_email = {r["Email address"]: r for r in rows}
    assert set(by_email) == {"jane.doe@example.edu", "bob.smith@example.edu", "carol.king@example.edu"}
    assert by_email["carol.king@example.edu"]["ID number"] == "333"
    assert by_email["jane.doe@example.edu"]["Grade"] == points(graded.by_key("111").final_score)
    assert by_email["jane.doe@example.edu"]["Feedback"].startswith("Total ")


# --- plain CSV ---------------------------------------------------------------------------------------------

def test_plain_csv_one_column_per_question_totals_and_lateness(graded):
    assert graded.export("csv").returncode == 0
    rows = dict_rows(graded.out / f"{NAME}_scores.csv")
    questions = list(graded.data.spec.questions)
    assert list(rows[0]) == generic.IDENTITY + questions + generic.TAIL
    by_key = {r["student"]: r for r in rows}
    assert set(by_key) == {g.student.key for g in graded.data.graded}
    for g in graded.data.graded:
        row = by_key[g.student.key]
        assert {q.name: float(row[q.name]) for q in g.result.questions} == pytest.approx(
            {q.name: q.score for q in g.result.questions}, abs=1e-4)
        assert float(row["total"]) == pytest.approx(g.result.total, abs=1e-4)
        assert float(row["final_total"]) == pytest.approx(g.result.total * (1 - g.penalty), abs=1e-3)
        assert float(row["days_late"]) == pytest.approx(g.days_late, abs=0.01)
    assert by_key["doejane"]["late"] == "yes" and float(by_key["doejane"]["penalty"]) > 0
    assert by_key["Lee_Kim_1004"]["error"].startswith("Your submission could not be run")


# --- feedback ----------------------------------------------------------------------------------------------

def forms(text: str) -> set[str]:
    """How ``text`` may appear in a feedback file: as it is, indented in a Markdown list, HTML-escaped,
    Markdown-escaped."""
    return {text, text.replace("\n", "\n  "), str(escape(text)), md_escape(text)}


def test_feedback_shows_visible_tests_and_never_a_hidden_tests_name_or_output(graded):
    assert graded.export("feedback").returncode == 0
    for g in graded.data.graded:
        visible = [t for t in g.result.tests if t.visibility == "visible"]
        shown = {t.name for t in visible} | {t.output for t in visible}
        for suffix in ("md", "html"):
            text = (graded.out / g.student.key / f"feedback.{suffix}").read_text(encoding="utf-8")
            for t in visible:
                assert any(f in text for f in forms(t.name)), (g.student.key, t.name)
                if not t.passed:
                    output = NOT_RUN if t.output == f"not run: {g.result.error}" else t.output
                    assert any(f in text for f in forms(output)), (g.student.key, t.output)
            for t in g.result.tests:
                if t.visibility == "visible":
                    continue
                for secret in (t.name, t.output):
                    if secret not in shown and secret != "passed":
                        assert not any(f in text for f in forms(secret)), (g.student.key, suffix, secret)
                assert t.test_id not in text
    partly = (graded.out / "doejane" / "feedback.md").read_text(encoding="utf-8")
    doejane = next(g for g in graded.data.graded if g.student.key == "doejane")
    for q in doejane.result.questions:
        withheld = sum(t.question == q.name and t.visibility == "after_published" for t in doejane.result.tests)
        assert withheld and f"{withheld} more tests, shown when grades are published" in partly, q.name
    assert "before the late penalty" in partly
    broken = (graded.out / "Lee_Kim_1004" / "feedback.md").read_text(encoding="utf-8")
    assert broken.count("could not be run") == 1, "why nothing ran is said once, under Your notebook"


def test_feedback_after_publication_shows_the_hidden_tests(graded, tmp_path):
    proc = subprocess.run([str(AUTOGRADER), "--config", str(graded.config), "export", "feedback", "--assignment", NAME,
                           "--gradebook", str(graded.out / "gradebook.sqlite"), "--out-dir", str(tmp_path),
                           "--show", "after_published"], capture_output=True, text=True, cwd=ROOT, timeout=300)
    assert proc.returncode == 0, proc.stderr
    jane = graded.by_key("doejane")
    text = (tmp_path / "doejane" / "feedback.html").read_text(encoding="utf-8")
    hidden = [t for t in jane.result.tests if t.visibility == "after_published"]
    assert hidden and all(str(escape(t.name)) in text for t in hidden)
    assert all(str(escape(t.output)) in text for t in hidden if not t.passed)
    assert "more test" not in text


def test_grade_writes_the_report_and_default_feedback(graded):
    assert "tutor report: " in graded.stdout and graded.stdout.strip().splitlines()[-1].startswith(f"{NAME}: ")
    assert (graded.out / "report.html").is_file()
    for g in graded.data.graded:
        assert (graded.out / g.student.key / "feedback.html").is_file()


# --- the tutor report --------------------------------------------------------------------------------------

class Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.urls: list[tuple[str, str, str]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        for name, value in attrs:
            if name in ("src", "href", "srcset", "data", "poster", "action") and value is not None:
                self.urls.append((tag, name, value))


def test_report_is_self_contained_and_names_the_most_common_failure(graded):
    assert graded.export("report").returncode == 0
    text = (graded.out / "report.html").read_text(encoding="utf-8")
    links = Links()
    links.feed(text)
    assert not [u for u in links.urls if not u[2].startswith("data:")], "no external or relative resources"
    images = [v for tag, name, v in links.urls if tag == "img"]
    assert len(images) == 1 + len(graded.data.spec.questions)
    for uri in images:
        assert uri.startswith("data:image/png;base64,")
        assert base64.b64decode(uri.split(",", 1)[1]).startswith(b"\x89PNG\r\n\x1a\n")
    assert "<script" not in text and "@import" not in text and "url(" not in text
    for question in graded.data.spec.questions:
        students: dict[str, set[str]] = {}
        for g in graded.data.graded:
            for t in g.result.tests:
                if t.question == question and not t.passed:
                    students.setdefault(normalise(t.output), set()).add(g.student.key)
        top = max(len(s) for s in students.values())
        assert any(str(escape(p)) in text for p, s in students.items() if len(s) == top), question


def test_similar_messages_normalise_alike():
    a = "gram_matrix(an array of shape (4, 5, 3)) returned a wrong result: 9 of 9 values are off, first at index " \
        "[0, 0] where it returned 1.00299"
    b = "gram_matrix(an array of shape (3, 6, 5, 4)) returned a wrong result: 48 of 48 values are off, first at " \
        "index [0, 0, 0] where it returned -1.1e-05"
    assert normalise(a) == normalise(b)
    assert normalise("got [[0.7446, 0.368],\n [0.368, nan]]") == normalise("got [[1, 2], [3, 4]]") == "got [...]"
    assert normalise("float32 inputs: 3 tests") == "float32 inputs: # tests", "digits inside names stay"


@pytest.fixture(scope="module")
def synthetic(tmp_path_factory) -> Path:
    return build_synthetic(tmp_path_factory.mktemp("synthetic") / "gradebook.sqlite", students=300)


def test_students_with_the_same_failed_tests_are_one_group(synthetic):
    data = load_export(synthetic, NAME, ROOT / "grading_config.yaml")
    groups = signature_groups(data.graded)
    assert sum(g.size for g in groups) == 300 and [g.size for g in groups] == sorted((g.size for g in groups),
                                                                                     reverse=True)
    for group in groups:
        failed = {t.test_id for t in group.failed}
        assert all({t.test_id for t in s.result.tests if not t.passed} == failed for s in group.students)
    assert len({frozenset(t.test_id for t in g.failed) for g in groups}) == len(groups)


def test_report_and_feedback_for_300_students_take_seconds(synthetic, tmp_path):
    from autograder.exports.after_grade import write_after_grade

    start = time.perf_counter()
    everyone = {identity(i).key for i in range(300)}
    path = write_after_grade(synthetic, NAME, tmp_path, everyone, ROOT / "grading_config.yaml")
    seconds = time.perf_counter() - start
    print(f"report.html and 300 x 2 feedback files from a 300-student gradebook: {seconds:.2f} s")
    assert path.is_file() and len(list(tmp_path.glob("*/feedback.md"))) == 300
    assert seconds < 20, "written after every grade run: it must stay cheap"


def test_export_without_a_gradebook_says_so(tmp_path):
    proc = subprocess.run([str(AUTOGRADER), "export", "canvas", "--assignment", NAME, "--out-dir", str(tmp_path)],
                          capture_output=True, text=True, cwd=ROOT, timeout=120)
    assert proc.returncode == 2 and "no gradebook" in proc.stderr
    assert not (tmp_path / "gradebook.sqlite").exists()
    proc = subprocess.run([str(AUTOGRADER), "export", "report", "--assignment", NAME], capture_output=True, text=True,
                          cwd=ROOT, timeout=120)
    assert proc.returncode == 2 and "--out-dir" in proc.stderr
