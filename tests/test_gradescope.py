"""The Gradescope autograder zip, run the way Gradescope runs it (issue: Gradescope through Otter).

The zip is built once (``autograder package``), unpacked into a temporary ``/autograder`` layout
(``source/``, ``submission/``, ``results/``, ``submission_metadata.json``) per submission, and its
``run_autograder`` is run with ``AUTOGRADER_ROOT`` pointing there and this virtualenv's Python
(``setup.sh`` is skipped). results.json must follow Gradescope's schema and say exactly what the
engine says for the same submission (the session's graded corpus, ``tests/conftest.py``).
"""

from __future__ import annotations

import hashlib
import json
import os
import pickle
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import nbformat
import pytest
import yaml

from autograder import cli
from autograder.config import Assignment, LatePolicy, Question, load_config
from autograder.gradescope.lateness import apply_late_policy, deadlines
from autograder.gradescope.pins import pinned_requirements, read_constraints
from autograder.gradescope.run import NoSubmission, find_submission
from autograder.scoring.gradescope import gradescope_results
from autograder.scoring.late import lateness, penalty

ROOT = Path(__file__).resolve().parents[1]
NAME = "text_generation"
MARKER = "gradescope-hostile-5e2a"
VISIBILITIES = {"visible", "hidden", "after_due_date", "after_published"}
TOP_KEYS = {"score", "execution_time", "output", "output_format", "test_output_format", "test_name_format",
            "visibility", "stdout_visibility", "extra_data", "tests", "leaderboard"}
TEST_KEYS = {"score", "max_score", "status", "name", "name_format", "number", "output", "output_format", "tags",
             "visibility", "extra_data"}
TIMINGS: dict[str, float] = {}


# --- helpers ------------------------------------------------------------------------------------------------

def assert_gradescope_schema(data: Any) -> None:
    """results.json as Gradescope's autograder spec defines it."""
    assert isinstance(data, dict) and set(data) <= TOP_KEYS, f"unknown top-level keys {set(data) - TOP_KEYS}"
    json.dumps(data, allow_nan=False)
    number = (int, float)
    assert isinstance(data["score"], number) and not isinstance(data["score"], bool)
    assert isinstance(data.get("execution_time", 0), number)
    assert data.get("visibility", "visible") in VISIBILITIES
    assert data.get("stdout_visibility", "hidden") in VISIBILITIES
    assert isinstance(data.get("output", ""), str)
    assert isinstance(data["tests"], list) and data["tests"]
    for t in data["tests"]:
        assert isinstance(t, dict) and set(t) <= TEST_KEYS, f"unknown test keys {set(t) - TEST_KEYS}"
        assert isinstance(t["name"], str) and t["name"]
        assert isinstance(t.get("output", ""), str)
        assert t.get("visibility", "visible") in VISIBILITIES
        assert t.get("status", "passed") in ("passed", "failed")
        for key in ("score", "max_score"):
            assert isinstance(t.get(key, 0), number) and not isinstance(t.get(key, 0), bool)


@dataclass
class Run:
    root: Path
    raw: bytes
    results: dict
    stdout: str
    seconds: float

    def tests(self, skip: tuple[str, ...] = ("Your notebook", "Late submission")) -> list[tuple]:
        return comparable(self.results, skip)


def comparable(data: dict, skip: tuple[str, ...] = ("Your notebook", "Late submission")) -> list[tuple]:
    return [(t["name"], t.get("score"), t.get("max_score"), t.get("status"), t.get("output"), t.get("visibility"))
            for t in data["tests"] if t["name"] not in skip]


def gradescope_run(autograder_zip: Path, tmp: Path, submission: dict[str, bytes], metadata: dict,
                   edit_source: Callable[[Path], None] | None = None) -> Run:
    """Lay out ``tmp/autograder`` as Gradescope does and run its ``run_autograder``."""
    root = tmp / "autograder"
    for d in ("source", "submission", "results"):
        (root / d).mkdir(parents=True)
    with zipfile.ZipFile(autograder_zip) as zf:
        zf.extractall(root / "source")
    for name, data in submission.items():
        (root / "submission" / name).write_bytes(data)
    (root / "submission_metadata.json").write_text(json.dumps(metadata))
    if edit_source:
        edit_source(root / "source")
    script = root / "run_autograder"  # Gradescope copies it there and runs it
    shutil.copy(root / "source" / "run_autograder", script)
    script.chmod(0o755)
    env = {**os.environ, "AUTOGRADER_ROOT": str(root), "AUTOGRADER_PYTHON": sys.executable}
    start = time.monotonic()
    proc = subprocess.run([str(script)], cwd=root, env=env, capture_output=True, text=True, timeout=900)
    seconds = time.monotonic() - start
    assert proc.returncode == 0, proc.stdout + proc.stderr
    raw = (root / "results" / "results.json").read_bytes()
    return Run(root, raw, json.loads(raw), proc.stdout + proc.stderr, seconds)


def metadata(created: str, due: str | None = None, late_due: str | None = None) -> dict:
    return {"id": 1, "created_at": created, "submission_method": "upload",
            "assignment": {"due_date": due, "late_due_date": late_due, "title": NAME, "total_points": "12.0"},
            "users": [{"email": "student@example.com", "id": 7, "name": "A Student"}]}


def notebook_bytes(path: Path, extra_cell: str | None = None) -> bytes:
    nb = nbformat.read(path, as_version=4)
    if extra_cell:
        nb.cells.append(nbformat.v4.new_code_cell(extra_cell))
    return nbformat.writes(nb).encode()


def engine_view(result) -> list[tuple]:
    return comparable(gradescope_results(result))


def hidden_code_lines() -> set[str]:
    hidden = [ROOT / "solutions" / NAME / "solution.py", *(ROOT / "solutions" / NAME / "tests").glob("*.py")]
    return {line.strip() for p in hidden for line in p.read_text().splitlines()
            if len(line.strip()) > 30 and not line.strip().startswith(('"""', "#"))}


# --- the zip --------------------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def package(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    out = tmp_path_factory.mktemp("dist")
    start = time.monotonic()
    assert cli.main(["--config", str(ROOT / "grading_config.yaml"), "package", NAME, "--out", str(out)]) == 0
    TIMINGS["zip build"] = time.monotonic() - start
    return {"autograder": out / f"{NAME}-autograder.zip", "student": out / f"{NAME}-student.zip"}


def test_zip_layout_holds_what_the_engine_needs_and_nothing_else(package):
    with zipfile.ZipFile(package["autograder"]) as zf:
        names = set(zf.namelist())
        modes = {i.filename: i.external_attr >> 16 for i in zf.infolist()}
        config = yaml.safe_load(zf.read("grading_config.yaml"))
        script = zf.read("run_autograder").decode()
    frame = {"setup.sh", "run_autograder", "environment.yml", "otter_config.json", "grading_config.yaml"}
    assert frame <= names and "run_otter.py" not in names
    assert modes["run_autograder"] & 0o111 and modes["setup.sh"] & 0o111
    wheels = [n for n in names if n.endswith(".whl")]
    assert len(wheels) == 1 and wheels[0].startswith("autograder-")
    solution = ROOT / "solutions" / NAME
    expected = {f"solutions/{NAME}/solution.py", f"solutions/{NAME}/__init__.py", "solutions/__init__.py",
                *(f"solutions/{NAME}/tests/{p.name}" for p in (solution / "tests").glob("*.py")),
                *(f"assignments/{NAME}/tests/{p.name}" for p in (ROOT / "assignments" / NAME / "tests").glob("*.py"))}
    assert names - frame - set(wheels) == expected
    assert list(config["assignments"]) == [NAME]
    assert load_config(ROOT / "grading_config.yaml")[0].assignments[NAME] == Assignment.model_validate(
        config["assignments"][NAME])
    assert script.strip().splitlines()[-1].startswith('exec "$PY" -I -m autograder.gradescope.run --root "$ROOT"')


def test_environment_is_pinned_to_the_project(package):
    with zipfile.ZipFile(package["autograder"]) as zf:
        env = yaml.safe_load(zf.read("environment.yml"))
        wheel = next(n for n in zf.namelist() if n.endswith(".whl"))
    assert f"python={sys.version_info.major}.{sys.version_info.minor}.{sys.version_info.micro}" in env["dependencies"]
    assert all(isinstance(d, dict) or d.startswith(("python=", "pip")) for d in env["dependencies"])
    pip = next(d["pip"] for d in env["dependencies"] if isinstance(d, dict))
    assert f"/autograder/source/{wheel}" in pip
    pins = [p for p in pip if "==" in p]
    assert pins == pinned_requirements(ROOT / "constraints.txt")
    constraints = read_constraints(ROOT / "constraints.txt")
    for name in ("numpy", "tensorflow-cpu", "torch", "pytest", "otter-grader", "pydantic", "keras"):
        pin = next(p for p in pins if p.split("[")[0].split("==")[0] == name)
        assert pin.split("==")[1].split("+")[0] == constraints[name], pin
    assert all(p.count("==") == 1 for p in pins) and not [p for p in pip if p not in pins and not (
        p.startswith("--extra-index-url") or p.endswith(".whl"))]


def test_the_wheel_carries_every_package_file(package):
    with zipfile.ZipFile(package["autograder"]) as zf:
        wheel = next(n for n in zf.namelist() if n.endswith(".whl"))
        with zipfile.ZipFile(zf.open(wheel)) as wf:
            inside = set(wf.namelist())
    files = {str(p.relative_to(ROOT)) for p in (ROOT / "autograder").rglob("*")
             if p.is_file() and "__pycache__" not in p.parts}
    assert files <= inside, sorted(files - inside)


# --- grading runs -------------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def correct(package, tmp_path_factory) -> Run:
    run = gradescope_run(package["autograder"], tmp_path_factory.mktemp("gs-correct"),
                         {"my notebook.ipynb": notebook_bytes(ROOT / "examples" / NAME / "full_marks.ipynb")},
                         metadata("2026-03-01T12:00:00+01:00", due="2026-03-01T23:59:00+01:00"))
    TIMINGS["one grading run"] = run.seconds
    return run


def test_correct_submission_gets_full_marks(correct, corpus):
    data = correct.results
    assert_gradescope_schema(data)
    spec = load_config(ROOT / "grading_config.yaml")[0].assignments[NAME]
    max_total = sum(q.points for q in spec.questions.values())
    assert data["score"] == pytest.approx(max_total)
    assert all(t["status"] == "passed" for t in data["tests"])
    assert not [t for t in data["tests"] if t["name"] in ("Late submission", "Your notebook")]
    assert correct.tests() == engine_view(corpus(NAME)["example__full_marks"])
    assert data["extra_data"]["isolation"] == "full"
    print(f"timings: {TIMINGS}")


def test_visibility_comes_from_the_config(correct):
    spec = load_config(ROOT / "grading_config.yaml")[0].assignments[NAME]
    for t in correct.results["tests"]:
        want = spec.public_visibility if t["extra_data"]["public"] else spec.hidden_visibility
        assert t["visibility"] == want, t["name"]


MARKED_TEST = '''
import numpy as np
import pytest

pytestmark = pytest.mark.question("softmax_temperature")


@pytest.mark.visibility("hidden")
def test_marked_hidden(student):
    """a test marked visibility hidden"""
    p = np.asarray(student.softmax_temperature(np.array([0.0, 0.0]), 1.0), dtype=float)
    assert np.allclose(p, [0.5, 0.5]), "should be [0.5, 0.5]"
'''


def _late_course(source: Path) -> None:
    """Config changes a coordinator could make: a due date, a late policy, other visibilities; plus a
    hidden test with its own visibility marker."""
    path = source / "grading_config.yaml"
    data = yaml.safe_load(path.read_text())
    data["assignments"][NAME].update(due="2026-03-01T23:59:00+01:00", hidden_visibility="after_due_date",
                                     late_policy={"kind": "percent_per_day", "percent": 10, "grace_minutes": 30})
    path.write_text(yaml.safe_dump(data, sort_keys=False))
    (source / "solutions" / NAME / "tests" / "test_visibility_marker.py").write_text(MARKED_TEST)


@pytest.fixture(scope="module")
def partly_wrong_late(package, tmp_path_factory) -> Run:
    # Gradescope's due date (2 March) takes precedence over the config's (1 March): 1 started day late.
    return gradescope_run(package["autograder"], tmp_path_factory.mktemp("gs-partly"),
                          {f"{NAME}.ipynb": notebook_bytes(ROOT / "examples" / NAME / "partly_wrong.ipynb")},
                          metadata("2026-03-03T10:00:00+01:00", due="2026-03-02T23:59:00+01:00"), _late_course)


def test_partly_wrong_late_submission(partly_wrong_late, corpus):
    data = partly_wrong_late.results
    assert_gradescope_schema(data)
    engine = corpus(NAME)["example__partly_wrong"]
    # questions the extra marked test does not touch score exactly as the engine scores them
    others = [t for t in engine_view(engine) if not t[0].startswith("softmax_temperature")]
    mine = [(n, s, m, st, o, "after_published" if v == "after_due_date" else v)
            for n, s, m, st, o, v in partly_wrong_late.tests() if not n.startswith("softmax_temperature")]
    assert mine == others
    late = next(t for t in data["tests"] if t["name"] == "Late submission")
    earned = sum(t["score"] for t in data["tests"] if t["name"] != "Late submission")
    assert 0 < earned < 12
    assert data["extra_data"]["late"]["days_late"] == 1 and data["extra_data"]["late"]["penalty"] == 0.1
    assert data["score"] == pytest.approx(earned * 0.9, abs=1e-3)
    assert data["score"] == pytest.approx(sum(t["score"] for t in data["tests"]), abs=1e-3)
    assert late["visibility"] == "visible" and late["score"] == pytest.approx(-earned * 0.1, abs=1e-3)
    assert "1 day late" in late["output"] and "10% per started day" in late["output"]


def test_visibility_marker_and_config_reach_results_json(partly_wrong_late):
    by_kind = {}
    for t in partly_wrong_late.results["tests"]:
        if "extra_data" in t:
            kind = "marked" if t["extra_data"]["test_id"].endswith("test_marked_hidden") else \
                "public" if t["extra_data"]["public"] else "hidden"
            by_kind.setdefault(kind, set()).add(t["visibility"])
    assert by_kind == {"public": {"visible"}, "hidden": {"after_due_date"}, "marked": {"hidden"}}


# --- a hostile submission -----------------------------------------------------------------------------------

HOSTILE = """
import os, subprocess, sys, time
ROOT = {root!r}
MARKER = {marker!r}
TARGETS = [ROOT + "/results/results.json", "../results/results.json", "/autograder/results/results.json"]
FAKE = '{{"score": 999, "tests": [{{"name": "pwned", "score": 999, "max_score": 12}}]}}'
WRITER = '''
import os, sys, time
end = time.time() + 60
while time.time() < end:
    for t in sys.argv[2:-1]:
        try:
            os.makedirs(os.path.dirname(t), exist_ok=True)
            with open(t, "w") as f:
                f.write(sys.argv[1])
        except OSError:
            pass
    time.sleep(0.05)
'''
SHELL = ('end=$(( $(date +%s) + 60 )); while [ $(date +%s) -lt $end ]; do for t in "$@"; do echo "$FAKE" > "$t"; '
         'done; sleep 0.05; done 2>/dev/null')
try:  # a detached Python writer (in a new session)
    subprocess.Popen([sys.executable, "-c", WRITER, FAKE, *TARGETS, MARKER], start_new_session=True,
                     stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
except OSError:  # without namespaces the sandbox user may not reach this interpreter's path
    pass
pid = os.fork()  # a double-forked shell writer in its own session, orphaned at once
if pid == 0:
    code = 1
    try:
        os.setsid()
        if os.fork() == 0:
            os.environ["FAKE"] = FAKE
            os.execv("/bin/sh", ["/bin/sh", "-c", SHELL, MARKER, *TARGETS])
        code = 0
    finally:
        os._exit(code)
forked = os.waitstatus_to_exitcode(os.waitpid(pid, 0)[1]) == 0

WANTED = {{"solution.py", "support.py", "test_beam_search.py", "test_softmax_temperature.py",
          "test_sample_next_token.py", "grading_config.yaml", "softmax_temperature.py"}}
OURS = ("pytest.mark.question", "def beam_search", "OK_FORMAT", "public_visibility")  # not the stdlib's support.py
found = []
{starts}
for start in starts:
    for dirpath, dirnames, filenames in os.walk(start):
        if dirpath.startswith(("/proc/", "/sys", "/usr", "/dev")) and not dirpath.startswith("/proc/1/") \\
                or dirpath.count("/") > 8 or "site-packages" in dirpath:
            dirnames[:] = []
            continue
        for f in filenames:
            if f in WANTED:
                path = os.path.join(dirpath, f)
                try:
                    text = open(path).read()
                except OSError:
                    continue
                if any(mark in text for mark in OURS):
                    found.append(path + ": " + text[:400])
raise RuntimeError("HOSTILE forked a writer: %s, found %d readable files: %s" % (forked, len(found), found))
"""
# Where the submission looks: with the full sandbox, everywhere it can reach (the project checkout and
# the grader package's home included); without namespaces, only the Gradescope folders, because on a
# development machine the project checkout itself is world-readable (on Gradescope there is none).
EVERYWHERE = """starts = [ROOT, ROOT + "/source", ROOT + "/source/solutions", "../source", "/autograder",
          "/autograder/source", {project!r}, {project!r} + "/solutions", "/proc/1/root", "/proc/1/cwd",
          os.getcwd(), "/tmp", "/"]
import autograder
starts += [os.path.dirname(os.path.dirname(autograder.__file__))] + [p for p in sys.path if p]"""
GRADESCOPE_FOLDERS = """starts = [ROOT, ROOT + "/source", ROOT + "/source/solutions", ROOT + "/submission",
          ROOT + "/results", "/autograder", os.getcwd()]"""


class Unpickled:
    """Creates ``path`` if anything ever unpickles it (a stand-in for code run by a crafted .OTTER_LOG)."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def __reduce__(self):
        return (open, (str(self.path), "w"))


def _marked_processes() -> list[int]:
    pids = []
    for pid in os.listdir("/proc"):
        try:
            if pid.isdigit() and MARKER in Path(f"/proc/{pid}/cmdline").read_bytes().decode(errors="replace"):
                pids.append(int(pid))
        except OSError:
            pass
    return pids


def hostile_run(package: dict[str, Path], tmp: Path, starts: str,
                edit_source: Callable[[Path], None] | None = None) -> tuple[Run, Path, list[int]]:
    """Full marks plus a cell that starts detached results.json writers and hunts for the hidden tests,
    submitted as the zip ``grader.export()`` writes, with a crafted ``.OTTER_LOG`` inside and beside it.
    Returns the run, a file that exists only if the log was unpickled, and the writers still alive."""
    tripwire = tmp / "unpickled-by-the-grader"
    log = pickle.dumps(Unpickled(tripwire))
    cell = HOSTILE.format(root=str(tmp / "autograder"), marker=MARKER, starts=starts.format(project=str(ROOT)))
    export = tmp / "export.zip"
    with zipfile.ZipFile(export, "w") as zf:
        zf.writestr(f"{NAME}.ipynb", notebook_bytes(ROOT / "examples" / NAME / "full_marks.ipynb", cell))
        zf.writestr(".OTTER_LOG", log)
        zf.writestr("__zip_filename__", f"{NAME}.zip")
    try:
        run = gradescope_run(package["autograder"], tmp, {f"{NAME}.zip": export.read_bytes(), ".OTTER_LOG": log},
                             metadata("2026-03-01T12:00:00+01:00", due="2026-03-01T23:59:00+01:00"), edit_source)
    finally:
        survivors = _marked_processes()
        for pid in survivors:  # started by this test's own submission: never left behind
            os.kill(pid, signal.SIGKILL)
    return run, tripwire, survivors


@pytest.fixture(scope="module")
def hostile(package, tmp_path_factory) -> tuple[Run, Path, list[int]]:
    return hostile_run(package, tmp_path_factory.mktemp("gs-hostile"), EVERYWHERE)


def _no_namespaces(source: Path) -> None:
    """``isolate: false``, the engine's fallback where the platform allows no namespaces (as a Docker
    container without CAP_SYS_ADMIN may): the child only runs as an unprivileged user in its own session."""
    path = source / "grading_config.yaml"
    data = yaml.safe_load(path.read_text())
    data["isolate"] = False
    path.write_text(yaml.safe_dump(data, sort_keys=False))


@pytest.fixture(scope="module")
def hostile_without_namespaces(package):
    # pytest's temporary directories are closed to other users; Gradescope's /autograder is not
    tmp = Path(tempfile.mkdtemp(prefix="gs-hostile-nons-"))
    tmp.chmod(0o755)
    try:
        yield hostile_run(package, tmp, GRADESCOPE_FOLDERS, _no_namespaces)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def _check_hostile(run: Run, tripwire: Path, survivors: list[int], isolation: str, engine) -> None:
    assert_gradescope_schema(run.results)
    assert run.results["extra_data"]["isolation"] == isolation
    assert run.tests() == engine_view(engine), "the score is not what the engine computes for the honest part"
    assert run.results["score"] == pytest.approx(12)
    assert f"sha256 {hashlib.sha256(run.raw).hexdigest()}" in run.stdout, "results.json is not what the grader wrote"
    assert survivors == [], "a detached writer outlived the grading"
    time.sleep(3)
    assert (run.root / "results" / "results.json").read_bytes() == run.raw, "results.json was rewritten"
    assert not tripwire.exists(), "the submitted .OTTER_LOG was unpickled"
    report = next(t for t in run.results["tests"] if t["name"] == "Your notebook")["output"]
    assert "HOSTILE forked a writer: True, found 0 readable files: []" in report, report
    text = run.raw.decode()
    leaked = [line for line in hidden_code_lines() if line in text]
    assert not leaked and "def test_" not in text, leaked[:3]
    for sub in ("source", "submission", "results"):
        assert (run.root / sub).stat().st_mode & 0o077 == 0, f"{sub} is open to other users"


def test_hostile_submission_gets_what_the_engine_computes_and_reads_nothing(hostile, corpus):
    _check_hostile(*hostile, "full", corpus(NAME)["example__full_marks"])
    assert "sandbox processes left after grading: 0" in hostile[0].stdout, "the PID namespace should end them all"


def test_hostile_submission_without_namespaces(hostile_without_namespaces, corpus):
    run = hostile_without_namespaces[0]
    _check_hostile(*hostile_without_namespaces, "processes-and-limits", corpus(NAME)["example__full_marks"])
    # Without a PID namespace the writers die when the child is closed (every process of its uid is
    # killed) or, failing that, by the grader as their subreaper; _check_hostile saw none survive.
    assert "sandbox processes left after grading: " in run.stdout


# --- small pieces -------------------------------------------------------------------------------------------

def test_a_missing_submission_still_gets_results(package, tmp_path):
    run = gradescope_run(package["autograder"], tmp_path, {"notes.txt": b"hello"},
                         metadata("2026-03-01T12:00:00+01:00"))
    assert_gradescope_schema(run.results)
    assert run.results["score"] == 0 and "no notebook was found" in run.results["output"]


def test_find_submission(tmp_path):
    (tmp_path / ".OTTER_LOG").write_bytes(b"\x80\x04junk")
    with pytest.raises(NoSubmission):
        find_submission(tmp_path, NAME)
    (tmp_path / "export.zip").write_bytes(b"zip")
    assert find_submission(tmp_path, NAME).name == "export.zip"
    (tmp_path / "draft.ipynb").write_text("{}")
    assert find_submission(tmp_path, NAME).name == "draft.ipynb"
    (tmp_path / "other.ipynb").write_text("{}")
    with pytest.raises(NoSubmission, match="several .ipynb"):
        find_submission(tmp_path, NAME)
    (tmp_path / f"{NAME}.ipynb").write_text("{}")
    assert find_submission(tmp_path, NAME).name == f"{NAME}.ipynb"
    (tmp_path / ".ipynb_checkpoints").mkdir()
    (tmp_path / ".ipynb_checkpoints" / f"{NAME}-checkpoint.ipynb").write_text("{}")
    assert find_submission(tmp_path, NAME).name == f"{NAME}.ipynb"


UTC = UTC


def days_late(submitted: datetime, due: datetime, grace: timedelta = timedelta(0)) -> int:
    return lateness(submitted, due, LatePolicy(grace_minutes=grace.total_seconds() / 60)).started_days


def test_days_late_counts_started_days_after_the_grace_period():
    due = datetime(2026, 3, 1, 23, 59, tzinfo=UTC)
    grace = timedelta(minutes=30)
    assert days_late(due, due) == 0
    assert days_late(due + timedelta(minutes=1), due) == 1
    assert days_late(due + timedelta(minutes=29), due, grace) == 0
    assert days_late(due + timedelta(minutes=31), due, grace) == 1
    assert days_late(due + timedelta(days=1), due) == 1
    assert days_late(due + timedelta(days=1, seconds=1), due) == 2
    assert days_late(due - timedelta(days=3), due) == 0
    naive = datetime(2026, 3, 2, 0, 30)  # naive means UTC
    assert days_late(naive, due) == 1
    assert days_late(datetime(2026, 3, 2, 0, 30, tzinfo=timezone(timedelta(hours=2))), due) == 0


def test_penalty_by_policy():
    assert penalty(LatePolicy(), 5) == 0
    assert penalty(LatePolicy(kind="zero"), 1) == 1 and penalty(LatePolicy(kind="zero"), 0) == 0
    ppd = LatePolicy(kind="percent_per_day", percent=15)
    assert [penalty(ppd, d) for d in (0, 1, 2, 7, 8)] == [0, 0.15, 0.3, 1.0, 1.0]


def _spec(**kw) -> Assignment:
    return Assignment(title="t", questions={"q": Question(points=10)}, **kw)


def test_deadlines_prefer_the_students_own_then_gradescope_then_the_config():
    config_due = datetime(2026, 3, 1, 12, 0)
    spec = _spec(due=config_due)
    assert deadlines({"created_at": "2026-03-02T00:00:00Z"}, spec).due == config_due.replace(tzinfo=UTC)
    meta = metadata("2026-03-02T00:00:00+00:00", due="2026-03-03T12:00:00-07:00")
    when = deadlines(meta, spec)
    assert when.due == datetime(2026, 3, 3, 19, 0, tzinfo=UTC) and "Gradescope" in when.source
    meta["users"] = [{"assignment": {"due_date": "2026-03-05T12:00:00Z"}},
                     {"assignment": {"due_date": "2026-03-04T12:00:00Z"}}]
    assert deadlines(meta, spec).due == datetime(2026, 3, 5, 12, 0, tzinfo=UTC)
    assert deadlines({}, _spec()).due is None and deadlines({}, spec).submitted is None


def test_late_policy_in_results():
    results = {"score": 8.0, "tests": [{"name": "q: a", "score": 8.0, "max_score": 10.0}]}
    spec = _spec(late_policy=LatePolicy(kind="percent_per_day", percent=25))
    on_time = deadlines(metadata("2026-03-01T10:00:00Z", due="2026-03-01T12:00:00Z"), spec)
    assert apply_late_policy(json.loads(json.dumps(results)), spec, on_time) == results
    late = apply_late_policy(json.loads(json.dumps(results)), spec,
                             deadlines(metadata("2026-03-03T10:00:00Z", due="2026-03-01T12:00:00Z"), spec))
    assert late["score"] == 4.0 and late["tests"][-1]["score"] == -4.0 and late["tests"][-1]["visibility"] == "visible"
    cutoff = apply_late_policy(json.loads(json.dumps(results)), spec, deadlines(
        metadata("2026-03-03T10:00:00Z", due="2026-03-03T09:00:00Z", late_due="2026-03-03T09:30:00Z"), spec))
    assert cutoff["score"] == 0 and "last date for late submissions" in cutoff["tests"][-1]["output"]
    lenient = _spec(late_policy=LatePolicy(kind="none"))
    note = apply_late_policy(json.loads(json.dumps(results)), lenient,
                             deadlines(metadata("2026-03-03T10:00:00Z", due="2026-03-01T12:00:00Z"), lenient))
    assert note["score"] == 8.0 and "no late penalty" in note["tests"][-1]["output"]
