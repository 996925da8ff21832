"""One warm sandbox host per grading pool: its workers share it, each through its own control
socket, and each submission still gets its own fresh child."""

from __future__ import annotations

import os
import signal
from pathlib import Path

import pytest

from autograder.config import find_config
from autograder.grading.pool import GradingPool
from autograder.sandbox.hosts import ForkServer, HostProcess
from autograder.sandbox.outcomes import CallOutcome
from autograder.sandbox.run import SubmissionRun
from autograder.sandbox.settings import SandboxSettings
from autograder.submission.discover import Job
from autograder.submission.load import load_submission

ROOT = Path(__file__).resolve().parents[1]
CODE = "import os\n\ndef uid():\n    return os.getuid()\n"


def host_processes(marker: bytes = b"autograder.sandbox.host") -> list[int]:
    """This process's children that run the sandbox host (or whose command line has ``marker``)."""
    found = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            ppid = int(Path(f"/proc/{entry}/stat").read_text().rsplit(")", 1)[1].split()[1])
            cmdline = Path(f"/proc/{entry}/cmdline").read_bytes()
        except (OSError, IndexError, ValueError):
            continue
        if ppid == os.getpid() and marker in cmdline:
            found.append(int(entry))
    return found


def worker_processes() -> list[int]:
    return host_processes(b"multiprocessing.spawn")


def maps_torch(pid: int) -> bool:
    return "libtorch_cpu" in Path(f"/proc/{pid}/maps").read_text()


def call_uid(client: ForkServer, path: Path) -> CallOutcome:
    """``uid()`` of the submission at ``path``, called in a fresh child of ``client``."""
    run = SubmissionRun(client, load_submission(path), notebook_seconds=30, cell_seconds=10, call_seconds=5,
                        max_restarts=1)
    run.start()
    try:
        return run.call("uid", [], {})
    finally:
        run.child.close()


def test_a_pool_of_two_workers_starts_one_host_and_both_grade():
    notebook = ROOT / "examples" / "text_generation" / "full_marks.ipynb"
    with GradingPool(find_config(ROOT), "text_generation", workers=2) as pool:
        assert len(host_processes()) == 1
        assert worker_processes() == [], "the workers start at the first submit"
        pool.submit([Job(notebook, f"student-{i}") for i in range(4)])
        results = list(pool.results())
        assert len(host_processes()) == 1
        assert not pool.worker_errors
        # text_generation's tests hand the students torch tensors (the host's warm_imports) but need nothing
        # heavy in the grader (no test_imports): the workers never load PyTorch
        workers = worker_processes()
        assert len(workers) == 2
        assert maps_torch(host_processes()[0]) and not any(maps_torch(w) for w in workers)
    assert sorted(r.submission for r in results) == [f"student-{i}" for i in range(4)]
    assert all(r.total == r.max_total == 12 for r in results), [(r.submission, r.total, r.error) for r in results]
    assert host_processes() == []


def test_each_client_gets_fresh_children_with_its_own_uids_and_the_host_outlives_one_client(tmp_path):
    settings = SandboxSettings(warm_imports=("numpy",))
    path = tmp_path / "sub.py"
    path.write_text(CODE)
    host = HostProcess(settings, clients=2)
    try:
        a = ForkServer(settings, 0, host.controls[0], host.log_path)
        b = ForkServer(settings, 1, host.controls[1], host.log_path)
        seen = {}
        for name, client in (("a", a), ("b", b), ("a2", a)):
            seen[name] = call_uid(client, path).value
        a.close()
        assert call_uid(b, path).ok
        b.close()
    finally:
        host.close()
    assert len(set(seen.values())) == 3, seen
    assert host.process.poll() is not None


def test_without_a_fork_server_the_workers_start_a_fresh_host_per_child(tmp_path):
    """``fork_server: false`` (macOS): no shared host; each child gets its own cold host."""
    course = tmp_path / "course"
    course.mkdir()
    for name in ("assignments", "solutions"):
        (course / name).symlink_to(ROOT / name)
    config = (ROOT / "grading_config.yaml").read_text()
    assert "fork_server: true" in config
    (course / "grading_config.yaml").write_text(config.replace("fork_server: true", "fork_server: false"))
    notebook = ROOT / "examples" / "text_generation" / "full_marks.ipynb"
    with GradingPool(course / "grading_config.yaml", "text_generation", workers=2) as pool:
        assert host_processes() == []
        pool.submit([Job(notebook, "a"), Job(notebook, "b")])
        results = list(pool.results())
        assert not pool.worker_errors
    assert sorted((r.submission, r.total) for r in results) == [("a", 12), ("b", 12)], [r.error for r in results]


def test_a_host_started_before_the_plan_imports_what_it_is_told_and_serves(tmp_path):
    """``autograder grade`` starts the host while it plans (``pool.start_host``); the pool sends the imports."""
    settings = SandboxSettings(warm_imports=("numpy",))
    path = tmp_path / "sub.py"
    path.write_text(CODE)
    host = HostProcess(settings, clients=1, warm_later=True)
    try:
        host.warm(["json", "colorsys"])
        client = ForkServer(settings, 0, host.controls[0], host.log_path)
        assert set(client.warm_timings) == {"json", "colorsys"}
        assert call_uid(client, path).ok
        client.close()
    finally:
        host.close()


def test_a_host_started_early_ends_when_the_grader_has_nothing_for_it():
    host = HostProcess(SandboxSettings(), clients=2, warm_later=True)
    for control in host.controls:
        control.close()
    assert host.process.wait(timeout=60) == 0
    host.close()


def test_a_seeded_pool_refuses_a_host_started_without_its_seed():
    host = HostProcess(SandboxSettings(), warm_later=True)
    try:
        with pytest.raises(ValueError, match="not seeded"):
            GradingPool(find_config(ROOT), "text_generation", seed=7, host=host)
    finally:
        host.close()


def test_a_retired_child_closed_before_it_was_reaped_does_not_fail_the_next_submission(tmp_path):
    """``settle`` closes a retired child whose supervisor did not report its end in time (a loaded machine);
    the next spawn's reaping must take it as finished, not select on its closed descriptors."""
    path = tmp_path / "sub.py"
    path.write_text(CODE)
    server = ForkServer(SandboxSettings(warm_imports=("numpy",)))
    try:
        child = server.spawn()
        signal.pidfd_send_signal(child.supervisor.fd, signal.SIGSTOP)  # it will never report the child's end
        server.retire(child)
        child.close()  # what ``wait_gone`` does to a child that did not end cleanly
        assert child.exit_status is None and not child.ended_cleanly
        assert child.finished()
        assert call_uid(server, path).ok  # its spawn reaps the closed child first
    finally:
        server.close()
