"""Written questions, round trip: grade the style_transfer examples, export the answers, fill the marking
CSV, import it, and every export (Canvas, Moodle, plain CSV, feedback, report) carries the automatic and
written marks together, a question not marked yet as "not marked yet" and never 0; bad marking files are
refused whole, naming the row; importing again replaces and says what changed.

The graded corpus (conftest's ``corpus``: reference, untouched notebook, examples) is copied, so grading
happens once per test session; a Moodle download of the same files is added to the copy (its results are
reused, nothing is graded again) so that the Moodle worksheet has rows.
"""

from __future__ import annotations

import csv
import io
import json
from decimal import Decimal
from pathlib import Path

import pytest
from lms_downloads import FULL, PARTLY, write_zip
from tutor_helpers import CONFIG, NAME, ROOT, dump, graded_copy, run

from autograder.exports.answers import markdown
from autograder.exports.source import load_export
from autograder.exports.table import points
from autograder.gradebook.marks import current_marks
from autograder.gradebook.store import Gradebook
from autograder.grading.batch import grade_batch
from autograder.submission.answers import Cell, find_answer, read_text

Q = "faster_style_transfer"
TITLE = "Faster style transfer for one style image"
MOODLE = "Jane Doe_1001_assignsubmission_file_"
MARKS = {  # student -> (points, comment); example__broken and reference stay unmarked
    "example__full_marks": ("2", "Exactly: Johnson et al.'s feed-forward network, trained on the perceptual loss."),
    "example__partly_wrong": ("0.5", "Precomputing the Gram matrices helps a little;\nthe lecture's answer is a "
                                     "network trained once for the style."),
    "untouched": ("0", "No answer."),
    "Jane_Doe_1001": ("1.25", "Half of it: <b>which</b> loss?"),
}


def rows(path: Path) -> list[dict[str, str]]:
    with path.open(newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f))


@pytest.fixture(scope="module")
def out(corpus, tmp_path_factory) -> Path:
    return graded_copy(corpus(NAME).out, tmp_path_factory.mktemp("written") / "out",
                       [(f"{MOODLE}/style_transfer.ipynb", PARTLY, (2024, 3, 1, 9, 0, 0))])


@pytest.fixture(scope="module")
def answers(out) -> Path:
    assert run("export", "answers", "--assignment", NAME, "--out-dir", str(out)) == 0
    return out / "answers"


def fill(answers: Path, marks: dict[str, tuple[str, str]], name: str = "filled.csv") -> Path:
    """The exported marking CSV with ``marks`` filled in, as a spreadsheet saves it."""
    filled = []
    for r in rows(answers / f"{Q}_marks.csv"):
        r["points"], r["comment"] = marks.get(r["student"], (r["points"], r["comment"]))
        filled.append(r)
    path = answers / name
    with path.open("w", newline="", encoding="utf-8-sig") as f:
        writer = csv.DictWriter(f, ["student", "question", "points", "comment"])
        writer.writeheader()
        writer.writerows(filled)
    return path


@pytest.fixture(scope="module")
def imported(out, answers) -> Path:
    assert run("import", "marks", str(fill(answers, MARKS)), "--assignment", NAME, "--out-dir", str(out),
               "--by", "tutor-a") == 0
    return out


def test_answers_are_read_from_the_notebooks_at_grading_time(out):
    data = load_export(out / "gradebook.sqlite", NAME, CONFIG)
    with Gradebook(out / "gradebook.sqlite") as book:
        kept = {r["sha256"]: r for r in book.db.execute("SELECT * FROM submission_cells")}
    assert {g.sha256 for g in data.graded} <= set(kept), "every graded file's cells are kept"
    assert all('"outputs"' not in r["cells"] for r in kept.values())
    starter = read_text(ROOT / "assignments" / NAME / f"{NAME}.ipynb").cells
    found = {}
    for g in data.graded:
        answer = find_answer([Cell.from_json(c) for c in json.loads(kept[g.sha256]["cells"])], Q, TITLE, starter)
        found[g.student.key] = (answer.found, answer.text[:30])
    assert found["example__full_marks"] == ("tag", "Train a separate **feed-forwar")
    assert found["example__partly_wrong"] == ("heading", "Compute the Gram matrices of t"), "the tag was deleted"
    assert found["untouched"] == ("tag", ""), "the notebook as handed out has no answer"
    assert found["reference"] == ("", "")
    assert kept[next(g.sha256 for g in data.graded if g.student.key == "example__broken")]["error"]


def test_export_answers_writes_a_page_and_a_marking_csv(out, answers):
    page = (answers / f"{Q}.html").read_text(encoding="utf-8")
    assert "Johnson" in page and TITLE in page, "the rubric and the question"
    assert "<strong>feed-forward image transformation network</strong>" in page, "Markdown rendered"
    assert '<pre><code class="language-python">stylised = transform_net(content_image)' in page, "code as code"
    assert "Compute the Gram matrices of the style image only once" in page
    assert "no answer (the cell is empty or as handed out)" in page and "the file could not be read" in page
    assert "<script" not in page and "http" not in page.split("</style>")[0], "self-contained"
    table = rows(answers / f"{Q}_marks.csv")
    students = {g.student.key for g in load_export(out / "gradebook.sqlite", NAME, CONFIG).graded}
    assert [r["student"] for r in table] == sorted(students)
    assert all(r["question"] == Q and r["points"] == "" and r["comment"] == "" for r in table)


def test_student_markdown_is_rendered_safely():
    html = str(markdown("<script>alert(1)</script> [x](javascript:alert(1)) ![i](http://example.com/i.png) **b**"))
    assert "<script>" not in html and "&lt;script&gt;" in html
    assert 'href="javascript' not in html and "<img" not in html and "<strong>b</strong>" in html


def test_every_export_carries_the_combined_marks(imported):
    out = imported
    data = load_export(out / "gradebook.sqlite", NAME, CONFIG)
    auto = {g.student.key: Decimal(str(g.result.total)) for g in data.graded}
    expected = {k: auto[k] + Decimal(MARKS[k][0]) if k in MARKS else auto[k] for k in auto}
    assert run("export", "canvas", "--assignment", NAME, "--out-dir", str(out)) == 0
    canvas = list(csv.reader((out / f"{NAME}_canvas.csv").open(newline="", encoding="utf-8")))
    assert canvas[1] == ["Points Possible", "", "", "", "", "11"]
    assert {r[0]: r[5] for r in canvas[2:]} == {
        (g.student.name or g.student.key): points(float(expected[g.student.key])) for g in data.graded}

    assert run("export", "csv", "--assignment", NAME, "--out-dir", str(out)) == 0
    plain = {r["student"]: r for r in rows(out / f"{NAME}_scores.csv")}
    assert plain["example__full_marks"][Q] == "2" and plain["example__full_marks"]["total"] == "11"
    assert plain["example__partly_wrong"]["total"] == points(float(expected["example__partly_wrong"]), 4)
    assert plain["reference"][Q] == "" and plain["reference"]["not_marked"] == Q, "not marked: empty, never 0"
    assert plain["reference"]["total"] == "9" and plain["reference"]["max_total"] == "11"
    assert plain["untouched"][Q] == "0" and plain["untouched"]["not_marked"] == ""

    assert run("export", "moodle", "--assignment", NAME, "--out-dir", str(out), "--layout", "worksheet") == 0
    (jane,) = rows(out / f"{NAME}_moodle.csv")
    assert jane["Grade"] == points(float(expected["Jane_Doe_1001"])) and jane["Maximum Grade"] == "11"
    assert f"{Q} 1.25/2" in jane["Feedback comments"]
    assert "tutor on faster_style_transfer: Half of it: <b>which</b> loss?" in jane["Feedback comments"]

    assert run("export", "feedback", "--assignment", NAME, "--out-dir", str(out)) == 0
    partly = (out / "example__partly_wrong" / "feedback.md").read_text(encoding="utf-8")
    assert f"({points(0.5)} / 2)" in partly and "> Precomputing the Gram matrices helps a little;" in partly
    assert "> the lecture's answer is a network trained once for the style." in partly
    reference = (out / "reference" / "feedback.md").read_text(encoding="utf-8")
    assert "**Score so far: 9 / 11** (faster\\_style\\_transfer not marked yet)" in reference
    assert "(not marked yet / 2)" in reference and "(0 / 2)" not in reference
    html = (out / "Jane_Doe_1001" / "feedback.html").read_text(encoding="utf-8")
    assert "Half of it: &lt;b&gt;which&lt;/b&gt; loss?" in html, "the comment, escaped"

    assert run("export", "report", "--assignment", NAME, "--out-dir", str(out)) == 0
    report = (out / "report.html").read_text(encoding="utf-8")
    section = report[report.index('<h2 id="written">'):]
    assert "4 of 6" in section and "example__broken, reference" in section
    assert f"example__full_marks: {points(float(expected['example__full_marks']))}</div>" in report


def test_grades_csv_keeps_the_automatic_questions_only(imported):
    header = (imported / "grades.csv").read_text().splitlines()[0]
    assert header == "submission,gram_matrix,style_loss,content_loss,total,max_total"


def test_a_grade_run_writes_feedback_with_the_marks(imported, corpus):
    grade_batch(CONFIG, NAME, [corpus(NAME).out.parent / "submissions"], imported,
                gradebook=imported / "gradebook.sqlite")
    full = (imported / "example__full_marks" / "feedback.md").read_text(encoding="utf-8")
    assert "**Score: 11 / 11**" in full and "Johnson et al.'s feed-forward network" in full


BAD = {  # name -> (file text, the problem that must be named)
    "unknown student": ("student,question,points,comment\nexample__full_marks,{q},1,ok\nnobody,{q},1,x\n",
                        "line 3: unknown student 'nobody'"),
    "over the maximum": ("student,question,points,comment\nexample__full_marks,{q},2.5,too many\n",
                         "line 2: points 2.5 outside [0, 2]"),
    "negative": ("student,question,points,comment\nexample__full_marks,{q},-1,\n", "line 2: points -1 outside"),
    "duplicate": ("student,question,points,comment\nuntouched,{q},0,\nexample__full_marks,{q},2,\nuntouched,{q},1,\n",
                  "line 4: a second row for untouched and faster_style_transfer (the first is on line 2)"),
    "comma decimal": ("student,question,points,comment\nuntouched,{q},\"1,5\",\n", "use a point, not a comma"),
    "not a number": ("student,question,points,comment\nuntouched,{q},nan,\n", "line 2: points 'nan' are not a number"),
    "comment without points": ("student,question,points,comment\nuntouched,{q},,nice\n",
                               "line 2: a comment but no points"),
    "too many cells": ("student,question,points,comment\nuntouched,{q},1,a,b\n", "line 2: 5 cells, the header has 4"),
    "malformed": ("student,question,points,comment\nuntouched,{q},1,ok\nexample__full_marks,{q},2,\"open\n",
                  "line 3: malformed CSV"),
    "unknown question": ("student,question,points,comment\nuntouched,gram_matrix,1,\n",
                         "line 2: unknown written question 'gram_matrix'"),
    "bad header": ("name,score\nuntouched,1\n", "line 1: the header must be"),
    "multi-line comment counted": ("student,question,points,comment\nuntouched,{q},1,\"two\nlines\"\nnobody,{q},1,\n",
                                   "line 4: unknown student 'nobody'"),
}


@pytest.mark.parametrize("case", sorted(BAD))
def test_bad_marking_files_are_refused_whole(imported, tmp_path, capsys, case):
    text, problem = BAD[case]
    path = tmp_path / "bad.csv"
    path.write_text(text.format(q=Q), encoding="utf-8")
    before = dump(imported / "gradebook.sqlite")
    assert run("import", "marks", str(path), "--assignment", NAME, "--out-dir", str(imported)) == 1
    err = capsys.readouterr().err
    assert "refused, nothing stored" in err and problem in err, err
    assert dump(imported / "gradebook.sqlite") == before, "nothing stored"


def test_reimport_replaces_and_says_what_changed(imported, answers, capsys):
    book = imported / "gradebook.sqlite"
    changed = dict(MARKS, example__partly_wrong=("1", "Better on a second reading."), reference=("2", ""))
    capsys.readouterr()
    assert run("import", "marks", str(fill(answers, changed, "again.csv")), "--assignment", NAME, "--out-dir",
               str(imported), "--by", "tutor-b") == 0
    said = capsys.readouterr()
    assert "changed  example__partly_wrong faster_style_transfer: 0.5 -> 1 (comment changed)" in said.out
    assert "new      reference faster_style_transfer: 2" in said.out
    assert "by tutor-b: 1 new, 1 changed, 3 unchanged; 1 row(s) without points left as they were" in said.err
    with Gradebook(book) as b:
        marks = current_marks(b, NAME)
        imports = [tuple(r) for r in b.db.execute("SELECT imported_by, imported_at != '' FROM mark_imports")]
    assert marks["example__partly_wrong"][Q].points == Decimal("1")
    assert marks["example__partly_wrong"][Q].imported_by == "tutor-b"
    assert marks["example__full_marks"][Q].imported_by == "tutor-a", "unchanged rows keep their import"
    assert imports == [("tutor-a", 1), ("tutor-b", 1)]
    assert run("export", "csv", "--assignment", NAME, "--out-dir", str(imported), "-o", "-") == 0
    plain = {r["student"]: r for r in csv.DictReader(io.StringIO(capsys.readouterr().out))}
    assert plain["reference"]["total"] == "11" and plain["reference"]["not_marked"] == ""


def test_a_dry_run_stores_nothing(imported, answers, capsys):
    before = dump(imported / "gradebook.sqlite")
    path = fill(answers, {"example__broken": ("1", "")}, "dry.csv")
    assert run("import", "marks", str(path), "--assignment", NAME, "--out-dir", str(imported), "--dry-run") == 0
    said = capsys.readouterr()
    assert "new      example__broken faster_style_transfer: 1" in said.out and "nothing stored" in said.err
    assert dump(imported / "gradebook.sqlite") == before


def test_a_mark_of_an_earlier_submission_is_pointed_out(imported):
    newer = write_zip(imported.parent / "resubmitted.zip",
                      [(f"{MOODLE}/style_transfer.ipynb", FULL, (2024, 3, 2, 9, 0, 0))])
    grade_batch(CONFIG, NAME, [newer], imported, gradebook=imported / "gradebook.sqlite")
    assert run("export", "answers", "--assignment", NAME, "--out-dir", str(imported), "--force") == 0
    page = (imported / "answers" / f"{Q}.html").read_text(encoding="utf-8")
    jane = page[page.index('id="Jane_Doe_1001"'):]
    assert "Marked on an earlier submission" in jane[:jane.index("</div>")]
    assert page.count("Marked on an earlier submission") == 1
