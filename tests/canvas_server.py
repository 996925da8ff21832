"""A local HTTP server answering the Canvas REST API endpoints that ``autograder push canvas`` uses, the way
Canvas's API documentation describes them (https://canvas.instructure.com/doc/api/; no live Canvas):

- ``GET /api/v1/courses/:course_id``: a Course;
- ``GET /api/v1/courses/:course_id/assignments/:id``: an Assignment (``points_possible``);
- ``GET /api/v1/courses/:course_id/assignments/:assignment_id/submissions`` with ``include[]=user`` and
  ``include[]=submission_comments``: Submissions, paginated with ``per_page`` (capped, as Canvas caps it)
  and a ``Link: <...>; rel="next"`` header of absolute URLs;
- ``PUT /api/v1/courses/:course_id/assignments/:assignment_id/submissions/:user_id`` with the form fields
  ``submission[posted_grade]`` (points) and ``comment[text_comment]``: grades or comments, returns the
  Submission.

Every request needs ``Authorization: Bearer <token>``: otherwise 401 with ``WWW-Authenticate`` and
``{"errors": [{"message": "Invalid access token."}]}``. Unknown courses, assignments or users: 404 with
``{"errors": [{"message": "The specified resource does not exist."}]}``. ``throttled = n`` makes the next
``n`` requests fail as Canvas throttles: ``403 Forbidden (Rate Limit Exceeded)`` with
``X-Rate-Limit-Remaining: 0`` (``throttled_puts``: the next PUTs only). Every PUT is recorded in ``puts``.
"""

from __future__ import annotations

import json
import re
import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit


@dataclass
class User:
    id: int
    name: str
    sis_user_id: str | None = None
    login_id: str | None = None


@dataclass
class State:
    token: str
    course_id: int
    assignment_id: int
    assignment_name: str
    points_possible: float
    users: list[User]
    scores: dict[int, float | None] = field(default_factory=dict)
    comments: dict[int, list[str]] = field(default_factory=dict)
    page_size: int = 2
    throttled: int = 0  # the next requests answered as throttled
    throttled_puts: int = 0  # the next PUTs answered as throttled
    puts: list[tuple[int, dict[str, str]]] = field(default_factory=list)
    requests: list[str] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)


class Handler(BaseHTTPRequestHandler):
    state: State
    base: str

    def log_message(self, *args: object) -> None:
        pass

    def reply(self, status: int, body: object, headers: dict[str, str] | None = None) -> None:
        data = (body if isinstance(body, str) else json.dumps(body)).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json; charset=utf-8" if not isinstance(body, str)
                         else "text/plain; charset=utf-8")
        self.send_header("Content-Length", str(len(data)))
        self.send_header("X-Request-Cost", "0.01")
        for k, v in (headers or {}).items():
            self.send_header(k, v)
        self.end_headers()
        self.wfile.write(data)

    def not_found(self) -> None:
        self.reply(404, {"errors": [{"message": "The specified resource does not exist."}]})

    def admitted(self) -> bool:
        s = self.state
        with s.lock:
            s.requests.append(f"{self.command} {self.path}")
            if self.headers.get("Authorization") != f"Bearer {s.token}":
                self.reply(401, {"errors": [{"message": "Invalid access token."}]},
                           {"WWW-Authenticate": 'Bearer realm="canvas-lms"'})
                return False
            put = self.command == "PUT" and s.throttled_puts > 0
            if s.throttled > 0 or put:
                if put:
                    s.throttled_puts -= 1
                else:
                    s.throttled -= 1
                self.reply(403, "403 Forbidden (Rate Limit Exceeded)", {"X-Rate-Limit-Remaining": "0"})
                return False
        return True

    def submission(self, u: User, include: list[str]) -> dict:
        s = self.state
        score = s.scores.get(u.id)
        out: dict = {"id": 9000 + u.id, "assignment_id": s.assignment_id, "user_id": u.id, "score": score,
                     "grade": None if score is None else f"{score:g}", "workflow_state":
                     "graded" if score is not None else "submitted", "late": False, "missing": False}
        if "user" in include:
            out["user"] = {"id": u.id, "name": u.name, "sortable_name": u.name, "short_name": u.name,
                           "sis_user_id": u.sis_user_id, "login_id": u.login_id}
        if "submission_comments" in include:
            out["submission_comments"] = [{"id": 100 * u.id + i, "author_id": 1, "author_name": "Teacher",
                                           "comment": c, "created_at": "2027-03-08T10:00:00Z"}
                                          for i, c in enumerate(s.comments.get(u.id, []))]
        return out

    def route(self) -> tuple[list[str], dict[str, list[str]]] | None:
        parts = urlsplit(self.path)
        m = re.fullmatch(r"/api/v1/(.*?)/?", parts.path)
        return (m[1].split("/"), parse_qs(parts.query)) if m else None

    def do_GET(self) -> None:  # noqa: N802 - http.server's name
        if not self.admitted():
            return
        s, found = self.state, self.route()
        if found is None:
            return self.not_found()
        path, query = found
        if path[:2] != ["courses", str(s.course_id)]:
            return self.not_found()
        if len(path) == 2:
            return self.reply(200, {"id": s.course_id, "name": "Generative Networks", "course_code": "GN"})
        if path[2:4] != ["assignments", str(s.assignment_id)]:
            return self.not_found()
        if len(path) == 4:
            return self.reply(200, {"id": s.assignment_id, "course_id": s.course_id, "name": s.assignment_name,
                                    "points_possible": s.points_possible, "grading_type": "points"})
        if path[4:] != ["submissions"]:
            return self.not_found()
        include = query.get("include[]", [])
        per_page = min(int(query.get("per_page", ["10"])[0]), s.page_size)
        page = int(query.get("page", ["1"])[0])
        users = s.users[(page - 1) * per_page:page * per_page]
        headers = {}
        if page * per_page < len(s.users):
            nxt = f"{self.base}/api/v1/courses/{s.course_id}/assignments/{s.assignment_id}/submissions?" + \
                "&".join([f"include[]={i}" for i in include] + [f"page={page + 1}", f"per_page={per_page}"])
            headers["Link"] = f'<{nxt}>; rel="next"'
        self.reply(200, [self.submission(u, include) for u in users], headers)

    def do_PUT(self) -> None:  # noqa: N802
        if not self.admitted():
            return
        s, found = self.state, self.route()
        length = int(self.headers.get("Content-Length") or 0)
        form = {k: v[-1] for k, v in parse_qs(self.rfile.read(length).decode()).items()}
        if found is None:
            return self.not_found()
        path, _ = found
        if path[:5] != ["courses", str(s.course_id), "assignments", str(s.assignment_id), "submissions"] \
                or len(path) != 6:
            return self.not_found()
        user = next((u for u in s.users if str(u.id) == path[5]), None)
        if user is None:
            return self.not_found()
        grade = form.get("submission[posted_grade]")
        if grade is not None:
            try:
                value = float(grade)
            except ValueError:
                return self.reply(400, {"errors": [{"message": "invalid grade"}]})
        with s.lock:
            s.puts.append((user.id, form))
            if grade is not None:
                s.scores[user.id] = value
            if form.get("comment[text_comment]"):
                s.comments.setdefault(user.id, []).append(form["comment[text_comment]"])
        self.reply(200, self.submission(user, ["submission_comments"]))


class FakeCanvas:
    """``with FakeCanvas(state) as url:`` serves ``state`` on a free local port."""

    def __init__(self, state: State) -> None:
        self.state = state
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.server.RequestHandlerClass = type("Bound", (Handler,), {"state": state, "base": self.url})
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self) -> str:
        self.thread.start()
        return self.url

    def __exit__(self, *exc: object) -> None:
        self.server.shutdown()
        self.server.server_close()
        self.thread.join(5)
