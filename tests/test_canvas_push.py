"""``autograder push canvas`` against a local server that answers Canvas's REST API as its documentation
describes it (``tests/canvas_server.py``; no live Canvas): a dry run posts nothing, ``--yes`` posts exactly
the late-adjusted combined scores and the feedback comments, a second push posts nothing new, and 401, 404
and rate limits give clear messages and leave the gradebook untouched.

The gradebook is a copy of the graded corpus plus a Canvas download of the same example files (their results
are reused: nothing is graded again); one of its files is two started days late (20 % off).
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest
from canvas_server import FakeCanvas, State, User
from lms_downloads import BROKEN, FULL, PARTLY
from tutor_helpers import CONFIG, NAME, dump, graded_copy, run

from autograder.exports import canvas_push
from autograder.exports.canvas_push import CanvasStudent, match, plan_push
from autograder.exports.source import load_export
from autograder.gradebook.model import StudentIdentity

Q = "faster_style_transfer"
TOKEN = "test-token-1234"
ON_TIME, LATE = (2027, 3, 1, 9, 0, 0), (2027, 3, 7, 6, 0, 0)  # due 2027-03-05 23:59+01:00
pytestmark = pytest.mark.filterwarnings("ignore:Canvas may respond unexpectedly when making requests to HTTP")
CORPUS = ["example__broken", "example__full_marks", "example__partly_wrong", "reference", "untouched"]


@pytest.fixture(scope="module")
def out(corpus, tmp_path_factory) -> Path:
    target = graded_copy(corpus(NAME).out, tmp_path_factory.mktemp("push") / "out", [
        ("fullmarks_1001_5001_style_transfer.ipynb", FULL, ON_TIME),
        ("partlywrong_LATE_1002_5002_style_transfer.ipynb", PARTLY, LATE),
        ("brokenstudent_1003_5003_style_transfer.ipynb", BROKEN, ON_TIME),
        ("dropped_1004_5004_style_transfer.ipynb", FULL, ON_TIME),
    ])
    marks = target / "marks.csv"
    marks.write_text(f"student,question,points,comment\nfullmarks,{Q},2,Exactly.\npartlywrong,{Q},1,Half of it.\n"
                     f"dropped,{Q},2,\n", encoding="utf-8")
    assert run("import", "marks", str(marks), "--assignment", NAME, "--out-dir", str(target)) == 0
    return target


@pytest.fixture(scope="module")
def canvas():
    state = State(TOKEN, 101, 202, "Neural style transfer", 11.0, [
        User(1001, "Full Marks", "S1001", "fullmarks@example.edu"),
        User(1002, "Partly Wrong", "S1002", "partlywrong@example.edu"),
        User(1003, "Broken Student", None, "broken@example.edu"),
        User(1005, "Not Submitted", "S1005", "absent@example.edu"),
    ], scores={1002: 3.0}, comments={1002: ["Graded by hand: 3 points."]})
    with FakeCanvas(state) as url:
        yield state, url


def push(out: Path, url: str, *extra: str, course: str = "101", assignment: str = "202") -> int:
    return run("push", "canvas", "--assignment", NAME, "--out-dir", str(out), "--course", course,
               "--canvas-assignment", assignment, "--canvas-url", url, *extra)


def expected_scores(out: Path) -> dict[int, str]:
    """Canvas user -> the score to post, computed here: (automatic + mark) x (1 - penalty), to the cent."""
    data = load_export(out / "gradebook.sqlite", NAME, CONFIG)
    by = {g.student.key: g for g in data.graded}
    assert by["partlywrong"].penalty == 0.2 and by["fullmarks"].penalty == 0
    marks = {"fullmarks": Decimal(2), "partlywrong": Decimal(1), "brokenstudent": Decimal(0)}
    user = {"fullmarks": 1001, "partlywrong": 1002, "brokenstudent": 1003}
    return {user[k]: f"{(Decimal(str(by[k].result.total)) + marks[k]) * Decimal(str(1 - by[k].penalty)):.2f}"
            for k in user}


def test_dry_run_changes_nothing(out, canvas, monkeypatch, capsys):
    state, url = canvas
    monkeypatch.setenv("CANVAS_API_TOKEN", TOKEN)
    before = dump(out / "gradebook.sqlite")
    assert push(out, url) == 0
    said = capsys.readouterr()
    assert state.puts == [] and state.scores == {1002: 3.0}
    assert dump(out / "gradebook.sqlite") == before
    assert "dry run: 2 new, 1 changed, 0 unchanged, 6 unmatched; 1 Canvas student(s) without a graded " \
           "submission here, left alone; nothing was posted (run again with --yes to post 3 student(s))" in said.err
    assert "  new        fullmarks (Full Marks) [Canvas user 1001, by Canvas user id]: no score -> 11, a new " \
           "comment" in said.out
    score = expected_scores(out)[1002].rstrip("0").rstrip(".")
    assert f"  changed    partlywrong (Partly Wrong) [Canvas user 1002, by Canvas user id]: 3 -> {score}, a new " \
           "comment" in said.out
    for key in ["dropped", *CORPUS]:
        assert f"  unmatched  {key}: no Canvas student" in said.out
    assert any("submissions?" in r and "page=2" in r for r in state.requests), "the submissions came in pages"


def test_yes_posts_exactly_the_scores_and_comments(out, canvas, monkeypatch, capsys):
    state, url = canvas
    monkeypatch.setenv("CANVAS_API_TOKEN", TOKEN)
    assert push(out, url, "--yes") == 0
    assert "posted to Canvas: 2 new, 1 changed, 0 unchanged, 6 unmatched" in capsys.readouterr().err
    posted = {user: form for user, form in state.puts}
    assert sorted(posted) == [1001, 1002, 1003] and len(state.puts) == 3
    assert {u: f["submission[posted_grade]"] for u, f in posted.items()} == \
        {u: s.rstrip("0").rstrip(".") for u, s in expected_scores(out).items()}
    comments = {u: f["comment[text_comment]"] for u, f in posted.items()}
    assert comments[1001] == ("Autograder: Total 11/11 (gram_matrix 4/4, style_loss 3/3, content_loss 2/2, "
                              f"{Q} 2/2); tutor on {Q}: Exactly.")
    assert comments[1002].startswith("Autograder: Total ") and f"{Q} 1/2" in comments[1002]
    assert "late: -20%, final " in comments[1002] and comments[1002].endswith(f"; tutor on {Q}: Half of it.")
    assert comments[1003].startswith("Autograder: Total so far 0/11 (") and f"{Q} not marked yet" in comments[1003]
    assert state.comments[1002][0] == "Graded by hand: 3 points.", "earlier comments stay"


def test_a_second_push_posts_nothing_new(out, canvas, monkeypatch, capsys):
    state, url = canvas
    monkeypatch.setenv("CANVAS_API_TOKEN", TOKEN)
    puts = list(state.puts)
    assert push(out, url, "--yes") == 0
    assert "0 new, 0 changed, 3 unchanged, 6 unmatched" in capsys.readouterr().err
    assert state.puts == puts


@pytest.mark.parametrize("token, course, assignment, message", [
    ("wrong-token", "101", "202", "refused the token (401 Unauthorized): check CANVAS_API_TOKEN"),
    (TOKEN, "999", "202", "not found (404): Canvas at "),
    (TOKEN, "101", "999", "no course 101 with an assignment 999"),
])
def test_errors_are_clear_and_leave_everything_untouched(out, canvas, monkeypatch, capsys, token, course,
                                                         assignment, message):
    state, url = canvas
    monkeypatch.setenv("CANVAS_API_TOKEN", token)
    puts, before = list(state.puts), dump(out / "gradebook.sqlite")
    assert push(out, url, "--yes", course=course, assignment=assignment) == 2
    assert message in capsys.readouterr().err
    assert state.puts == puts and dump(out / "gradebook.sqlite") == before


def test_rate_limits_are_retried(out, canvas, monkeypatch, capsys):
    state, url = canvas
    monkeypatch.setenv("CANVAS_API_TOKEN", TOKEN)
    monkeypatch.setattr(canvas_push, "RETRY_WAITS", (0.01, 0.01, 0.01))
    state.scores[1003] = None  # Canvas lost a grade: the push posts it again, through two throttled PUTs
    state.throttled, state.throttled_puts = 2, 2
    puts = len(state.puts)
    assert push(out, url, "--yes") == 0
    assert "1 new, 0 changed, 2 unchanged" in capsys.readouterr().err
    assert [u for u, _ in state.puts[puts:]] == [1003] and state.scores[1003] == 0
    assert state.throttled == 0 and state.throttled_puts == 0

    state.throttled = 100
    before = dump(out / "gradebook.sqlite")
    assert push(out, url, "--yes") == 2
    assert "rate limit is still exceeded after 3 retries" in capsys.readouterr().err
    assert len(state.puts) == puts + 1 and dump(out / "gradebook.sqlite") == before
    state.throttled = 0


def test_the_token_comes_from_the_environment_only(out, canvas, monkeypatch, capsys):
    state, url = canvas
    monkeypatch.delenv("CANVAS_API_TOKEN", raising=False)
    requests = len(state.requests)
    assert push(out, url) == 2
    assert "set the environment variable CANVAS_API_TOKEN" in capsys.readouterr().err
    assert len(state.requests) == requests
    with pytest.raises(SystemExit):
        push(out, url, "--token", TOKEN)


def test_matching_by_canvas_id_then_sis_id_then_login():
    roster = [CanvasStudent(7, "A", "S7", "a@example.edu", None, ()),
              CanvasStudent(8, "B", "S8", "B@Example.edu", None, ()),
              CanvasStudent(9, "C", "", "jdoe", None, ())]
    assert match(StudentIdentity("x", lms_id="7", source="canvas", sis_id="S8"), roster)[0].user_id == 7
    assert match(StudentIdentity("x", lms_id="7", source="moodle", sis_id="S8"), roster) == (roster[1], "SIS id")
    assert match(StudentIdentity("x", email="b@example.edu", source="gradescope"), roster) == (roster[1], "login")
    assert match(StudentIdentity("jdoe", login="jdoe", lms_id="12", source="canvas"), roster) == (None, ""), \
        "a Canvas download's name part is not a login"


def test_scores_are_rescaled_to_the_canvas_assignment(out):
    data = load_export(out / "gradebook.sqlite", NAME, CONFIG)
    plan = plan_push(data, "101", "202", "x", 100.0, [CanvasStudent(1001, "Full", "", "", None, ())])
    (full,) = [p for p in plan.students if p.student == "fullmarks"]
    assert full.score == "100" and full.status == "new"
    assert any("rescaled from 11 to 100 points" in n for n in plan.notes)
