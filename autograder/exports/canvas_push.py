"""Grades straight into Canvas through its REST API (``canvasapi``): ``autograder push canvas``.

What it reads from Canvas: the course, the assignment (its ``points_possible``) and the assignment's
submissions with each student (``include[]=user``) and their comments (``include[]=submission_comments``),
page by page. Students are matched by the Canvas user id a Canvas download gave, else the SIS user id
(a Gradescope SID), else the login (Canvas ``login_id`` against the gradebook's login or email, case
ignored). For each matched student the score is the late-adjusted total of the automatic questions and
the written ones marked so far (``exports.written``), rescaled to the assignment's ``points_possible``,
and the comment is the export's summary line (per question, lateness, tutors' comments).

A student is ``new`` when Canvas has no score, ``changed`` when the score differs or the comment is not
among the submission's comments, ``unchanged`` otherwise (nothing is posted for them, so pushing twice
posts nothing new), ``unmatched`` when no Canvas student matches. Posting is one
``PUT /api/v1/courses/:course/assignments/:assignment/submissions/:user`` per student with
``submission[posted_grade]`` (when the score changes) and ``comment[text_comment]`` (when the comment
is new). A rate-limited request (Canvas answers 403 "Rate Limit Exceeded", or 429) is retried after a
pause; other errors stop the push with a message. The gradebook is only read.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from functools import partial
from typing import Any, TypeVar

from autograder.exports.source import ExportData
from autograder.exports.summary import scaled, summary_line
from autograder.exports.table import points
from autograder.gradebook.model import StudentIdentity

TOKEN_VARIABLE = "CANVAS_API_TOKEN"
URL_VARIABLE = "CANVAS_URL"
COMMENT_PREFIX = "Autograder: "
RETRY_WAITS = (2.0, 5.0, 10.0, 20.0, 40.0)
T = TypeVar("T")


class PushError(Exception):
    """The push stopped; the message says why and what to check."""


@dataclass(frozen=True)
class CanvasStudent:
    """A student's submission as Canvas lists it."""

    user_id: int
    name: str
    sis_user_id: str
    login_id: str
    score: float | None
    comments: tuple[str, ...]
    handle: Any = field(default=None, compare=False, repr=False)  # canvasapi's Submission, to post with


@dataclass(frozen=True)
class Planned:
    """What the push does for one student of the gradebook."""

    student: str
    name: str
    status: str  # new, changed, unchanged, unmatched
    score: str = ""  # as posted
    comment: str = ""
    canvas: CanvasStudent | None = None
    post_grade: bool = False
    post_comment: bool = False
    matched_by: str = ""

    def line(self) -> str:
        who = self.student + (f" ({self.name})" if self.name and self.name != self.student else "")
        if self.canvas is None:
            return f"  unmatched  {who}: no Canvas student with this user id, SIS id or login"
        where = f"Canvas user {self.canvas.user_id}, by {self.matched_by}"
        if self.status == "unchanged":
            return f"  unchanged  {who} [{where}]: {self.score}"
        before = "no score" if self.canvas.score is None else points(self.canvas.score)
        what = [f"{before} -> {self.score}" if self.post_grade else f"{self.score} (score unchanged)"]
        if self.post_comment:
            what.append("a new comment")
        return f"  {self.status:<9}  {who} [{where}]: {', '.join(what)}"


@dataclass
class PushPlan:
    course: str
    assignment: str
    assignment_name: str
    points_possible: float | None
    out_of: float | None
    students: list[Planned] = field(default_factory=list)
    not_in_gradebook: int = 0  # Canvas students without a graded submission here (left alone)
    notes: list[str] = field(default_factory=list)

    def count(self, status: str) -> int:
        return sum(p.status == status for p in self.students)

    @property
    def to_post(self) -> list[Planned]:
        return [p for p in self.students if p.post_grade or p.post_comment]


def with_retries(call: Callable[[], T], waits: Sequence[float] | None = None) -> T:
    """``call()``, again after each pause in ``waits`` (default ``RETRY_WAITS``) while Canvas says the rate
    limit is exceeded."""
    from canvasapi.exceptions import Forbidden, RateLimitExceeded

    waits = RETRY_WAITS if waits is None else waits
    for wait in [*waits, None]:
        try:
            return call()
        except (Forbidden, RateLimitExceeded) as exc:
            limited = isinstance(exc, RateLimitExceeded) or "rate limit exceeded" in str(exc).casefold()
            if not limited:
                raise
            if wait is None:
                raise PushError(f"Canvas's rate limit is still exceeded after {len(waits)} retries "
                                f"({sum(waits):g} s of pauses): try again later; what was posted so far stays "
                                f"posted, and the next push posts only the rest") from exc
            time.sleep(wait)
    raise AssertionError("unreachable")


def explain(exc: Exception, url: str, course: str, assignment: str) -> PushError:
    """A Canvas error as a message that says what to check."""
    from canvasapi.exceptions import CanvasException, Forbidden, InvalidAccessToken, ResourceDoesNotExist, Unauthorized
    from requests.exceptions import RequestException

    if isinstance(exc, PushError):
        return exc
    if isinstance(exc, (InvalidAccessToken, Unauthorized)):
        return PushError(f"Canvas at {url} refused the token (401 Unauthorized): check {TOKEN_VARIABLE} (Canvas: "
                         f"Account > Settings > New access token) and that --canvas-url is your Canvas")
    if isinstance(exc, ResourceDoesNotExist):
        return PushError(f"not found (404): Canvas at {url} has no course {course} with an assignment {assignment} "
                         f"that this token's user can see; check --course and --canvas-assignment (the numbers in "
                         f"the assignment's address: /courses/<course>/assignments/<assignment>)")
    if isinstance(exc, Forbidden):
        return PushError(f"Canvas forbids it (403): the token's user must be allowed to grade course {course} "
                         f"({_short(exc)})")
    if isinstance(exc, CanvasException):
        return PushError(f"Canvas answered with an error: {_short(exc)}")
    if isinstance(exc, RequestException):
        return PushError(f"cannot reach Canvas at {url}: {type(exc).__name__}: {exc}")
    return PushError(f"{type(exc).__name__}: {exc}")


def _short(exc: Exception) -> str:
    text = " ".join(str(exc).split())
    return text[:300] + ("..." if len(text) > 300 else "")


def _text(value: Any) -> str:
    return "" if value is None else str(value)


def read_canvas(url: str, token: str, course: str, assignment: str,
                waits: Sequence[float] | None = None) -> tuple[str, float | None, list[CanvasStudent]]:
    """The assignment's name and points possible, and its students' submissions."""
    from canvasapi import Canvas

    try:
        canvas = Canvas(url, token)
        found = with_retries(lambda: canvas.get_course(course).get_assignment(assignment), waits)
        listing = found.get_submissions(include=["user", "submission_comments"])
        submissions = with_retries(lambda: list(listing), waits)
    except Exception as exc:  # noqa: BLE001 - every Canvas or network error becomes one clear message
        raise explain(exc, url, course, assignment) from exc
    students = []
    for s in submissions:
        user = getattr(s, "user", None) or {}
        comments = tuple(_text(c.get("comment")) for c in getattr(s, "submission_comments", None) or [])
        score = getattr(s, "score", None)
        students.append(CanvasStudent(int(s.user_id), _text(user.get("name")), _text(user.get("sis_user_id")),
                                      _text(user.get("login_id")), None if score is None else float(score), comments,
                                      s))
    possible = getattr(found, "points_possible", None)
    return _text(getattr(found, "name", "")), None if possible is None else float(possible), students


def match(student: StudentIdentity, canvas: Iterable[CanvasStudent]) -> tuple[CanvasStudent | None, str]:
    """The Canvas student for a gradebook student, and how they were matched."""
    roster = list(canvas)
    if student.source == "canvas" and student.lms_id.isdigit():
        hit = next((c for c in roster if c.user_id == int(student.lms_id)), None)
        if hit is not None:
            return hit, "Canvas user id"
    if student.sis_id:
        hit = next((c for c in roster if c.sis_user_id and c.sis_user_id == student.sis_id), None)
        if hit is not None:
            return hit, "SIS id"
    logins = {x.casefold() for x in (student.login, student.email) if x}
    if student.source == "canvas":
        logins.discard(student.login.casefold())  # a Canvas download's name part is not a login
    hit = next((c for c in roster if c.login_id and c.login_id.casefold() in logins), None)
    return (hit, "login") if hit is not None else (None, "")


def plan_push(data: ExportData, course: str, assignment: str, name: str, points_possible: float | None,
              canvas: list[CanvasStudent], out_of: float | None = None) -> PushPlan:
    """What posting ``data``'s scores to the Canvas assignment would change."""
    scale = out_of if out_of is not None else (points_possible or None)
    plan = PushPlan(course, assignment, name, points_possible, scale)
    if scale is not None and abs(scale - data.max_total) > 1e-9:
        plan.notes.append(f"scores rescaled from {points(data.max_total)} to {points(scale)} points "
                          f"({'--out-of' if out_of is not None else 'the Canvas assignment is worth that'})")
    used, unmarked = set(), []
    for g in data.graded:
        c = data.combined(g)
        score = points(scaled(c.final, data.max_total, scale))
        comment = COMMENT_PREFIX + summary_line(g, c)
        hit, how = match(g.student, canvas)
        if hit is None:
            plan.students.append(Planned(g.student.key, g.student.name, "unmatched", score, comment))
            continue
        used.add(hit.user_id)
        post_grade = hit.score is None or abs(hit.score - float(score)) >= 0.005
        post_comment = comment not in hit.comments
        status = "new" if hit.score is None else "changed" if post_grade or post_comment else "unchanged"
        plan.students.append(Planned(g.student.key, g.student.name or hit.name, status, score, comment, hit,
                                     post_grade, post_comment, how))
        if c.missing:
            unmarked.append(f"{g.student.key} ({', '.join(c.missing)})")
    if unmarked:
        plan.notes.append(f"{len(unmarked)} student(s) have written questions not marked yet, scored without them "
                          f"(the automatic part plus what is marked; the comment names them): {', '.join(unmarked)}")
    plan.not_in_gradebook = len({c.user_id for c in canvas} - used)
    return plan


def post(plan: PushPlan, waits: Sequence[float] | None = None, url: str = "",
         done: Callable[[Planned], None] | None = None) -> int:
    """Post every change of ``plan``; returns how many students were posted to."""
    posted = 0
    for p in plan.to_post:
        assert p.canvas is not None
        fields: dict[str, Any] = {}
        if p.post_grade:
            fields["submission"] = {"posted_grade": p.score}
        if p.post_comment:
            fields["comment"] = {"text_comment": p.comment}
        target = p.canvas.handle
        try:
            with_retries(partial(target.edit, **fields), waits)
        except Exception as exc:  # noqa: BLE001 - stop at the first refusal, saying what was posted
            raise PushError(f"{explain(exc, url, plan.course, plan.assignment)} (stopped at {p.student}; "
                            f"{posted} student(s) posted before)") from exc
        posted += 1
        if done is not None:
            done(p)
    return posted
