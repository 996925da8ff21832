"""What Gradescope's ``run_autograder`` runs: grade ``/autograder/submission`` with this project's engine.

Layout (Gradescope's; the root is ``--root``): ``source/`` (the unpacked autograder zip),
``submission/`` (the student's files), ``submission_metadata.json``, ``results/results.json``.

The submission runs in the engine's sandboxed child; the whole root is on its hidden-path list and
closed to other users, so neither the hidden tests and reference in ``source/`` nor ``results/``
can be reached from it. ``results.json`` is written by this process only after the grading pool,
its sandbox host and every process the submission started are gone (this process is a child
subreaper, so even a daemon that escaped its session without a PID namespace is found and killed).
Nothing the submission wrote is unpickled: an Otter export's ``.OTTER_LOG`` is never read, only the notebook.
"""

from __future__ import annotations

import argparse
import ctypes
import hashlib
import json
import os
import signal
import sys
import time
import traceback
from pathlib import Path
from typing import Any

from autograder.config import CONFIG_NAME, assignment, load_config
from autograder.gradescope.lateness import apply_late_policy, deadlines
from autograder.scoring.gradescope import gradescope_results, write_json_atomic
from autograder.submission.discover import Job, find_submissions

SANDBOX_UIDS = range(61000, 61000 + 4096)  # autograder.sandbox.hosts.UID_BASE + slot (+ offset)
PR_SET_CHILD_SUBREAPER = 36


class NoSubmission(Exception):
    """Nothing gradable was submitted; the message is for the student."""


def find_submission(folder: Path, name: str) -> Path:
    """The notebook to grade: ``<name>.ipynb`` or the only ``.ipynb``; else the only ``.zip`` (an Otter
    export, of which only the notebook is read) or ``.py``. Hidden files (``.OTTER_LOG``) are never used."""
    found = find_submissions([folder]) if folder.is_dir() else []
    for suffix in (".ipynb", ".zip", ".py"):
        mine = [p for p in found if p.suffix.lower() == suffix]
        named = [p for p in mine if p.name == f"{name}{suffix}"]
        if len(named) == 1 or len(mine) == 1:
            return (named or mine)[0]
        if mine:
            listed = ", ".join(str(p.relative_to(folder)) for p in mine)
            raise NoSubmission(f"your submission holds several {suffix} files ({listed}); submit only {name}{suffix}")
    raise NoSubmission(f"no notebook was found in your submission; upload {name}.ipynb "
                       "(or the zip file that grader.export() wrote)")


def read_metadata(path: Path) -> dict[str, Any]:
    try:
        data = json.loads(path.read_text())
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def lock_down(root: Path) -> None:
    """Close the grading folders to every other user (the sandboxed child runs as one when the
    platform allows no namespaces); only this root process needs them."""
    for path, mode in ((root / "source", 0o700), (root / "submission", 0o700), (root / "results", 0o700),
                       (root / "submission_metadata.json", 0o600)):
        try:
            if path.exists():
                os.chmod(path, mode)
        except OSError as exc:
            print(f"warning: cannot restrict {path}: {exc}", flush=True)


def become_subreaper() -> None:
    """Make orphaned descendants (a submission's daemons, when there is no PID namespace) this process's children."""
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0)
    except (OSError, AttributeError):
        pass


def _process_table() -> dict[int, tuple[int, str, int]]:
    """pid -> (parent pid, state, uid) of every process."""
    table = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                fields = Path(f"/proc/{entry}/stat").read_text().rsplit(")", 1)[1].split()
                table[int(entry)] = (int(fields[1]), fields[0], os.stat(f"/proc/{entry}").st_uid)
            except (OSError, IndexError, ValueError):
                pass
    return table


def sandbox_processes() -> list[int]:
    """Live descendants of this process (never anyone else's) that run as a sandbox user."""
    table = _process_table()
    children: dict[int, list[int]] = {}
    for pid, (ppid, _, _) in table.items():
        children.setdefault(ppid, []).append(pid)
    found, todo = [], list(children.get(os.getpid(), []))
    while todo:
        pid = todo.pop()
        todo += children.get(pid, [])
        _, state, uid = table[pid]
        if uid in SANDBOX_UIDS and state not in ("Z", "X"):
            found.append(pid)
    return found


def reap_sandbox_processes(wait: float = 5.0) -> int:
    """Kill whatever the submission left running (the PID namespace normally leaves nothing); returns how many."""
    strays = sandbox_processes()
    for pid in strays:
        try:
            os.kill(pid, signal.SIGKILL)
        except OSError:
            pass
    deadline = time.monotonic() + wait
    while sandbox_processes() and time.monotonic() < deadline:
        time.sleep(0.05)
    try:
        while os.waitpid(-1, os.WNOHANG)[0]:  # zombies handed to this subreaper
            pass
    except ChildProcessError:
        pass
    return len(strays)


def grade_submission(root: Path, name: str) -> dict[str, Any]:
    """results.json content for the submission under ``root`` (never raises for a student's mistake)."""
    from autograder.grading.pool import GradingPool, unrunnable

    config_path = root / "source" / CONFIG_NAME
    config, _ = load_config(config_path)
    spec = assignment(config, name)
    try:
        path = find_submission(root / "submission", name)
    except NoSubmission as exc:
        result = unrunnable(Job(root / "submission", name), name, config, str(exc))
        result.error = f"Your submission could not be graded: {exc}."
    else:
        print(f"grading {path.relative_to(root)}", flush=True)
        # The whole Gradescope root (source, submission, results) is hidden from the sandbox.
        with GradingPool(config_path, name, workers=1, hidden=(root,)) as pool:
            result = pool.grade_one(Job(path, path.stem))
            problems = [e for e in (pool.author_error, *pool.worker_errors) if e]
        for problem in problems:
            print(f"grader problem (course staff):\n{problem}", flush=True)
    print(f"sandbox processes left after grading: {reap_sandbox_processes()}", flush=True)
    data = gradescope_results(result)
    when = deadlines(read_metadata(root / "submission_metadata.json"), spec)
    print(f"submitted {when.submitted}, due {when.due} ({when.source}), late due {when.late_due}", flush=True)
    return apply_late_policy(data, spec, when)


def failure_results(message: str) -> dict[str, Any]:
    return {"score": 0.0, "output": message, "visibility": "visible", "stdout_visibility": "hidden",
            "tests": [{"name": "Autograder error", "score": 0.0, "max_score": 0.0, "status": "failed",
                       "output": message, "visibility": "visible"}]}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m autograder.gradescope.run")
    parser.add_argument("--root", type=Path, default=Path(os.environ.get("AUTOGRADER_ROOT", "/autograder")))
    parser.add_argument("--assignment", required=True)
    args = parser.parse_args(argv)
    root: Path = args.root.resolve()
    start = time.monotonic()
    become_subreaper()
    lock_down(root)
    try:
        data = grade_submission(root, args.assignment)
    except Exception:  # noqa: BLE001 - Gradescope must always get a results.json
        traceback.print_exc()
        data = failure_results("The autograder failed on this submission; course staff can see why in the "
                               "autograder output. Please let them know.")
    data["execution_time"] = round(time.monotonic() - start, 2)
    path = root / "results" / "results.json"
    write_json_atomic(path, data)
    digest = hashlib.sha256(path.read_bytes()).hexdigest()
    print(f"score {data.get('score')}; wrote {path} (sha256 {digest}) in {data['execution_time']} s", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
