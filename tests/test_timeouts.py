"""Call time limits: a timeout fails its call, the next calls of that function run on probation
(a shorter limit) until one returns, and two timeouts in a row stop the function being called."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from autograder.sandbox.hosts import open_sandbox
from autograder.sandbox.run import SubmissionRun, probation_limit
from autograder.sandbox.settings import SandboxSettings
from autograder.submission.load import load_submission
from autograder.testing.proxy import StudentTimeout, describe_failure

CALL_SECONDS = 4.0
CODE = '''
import time

def endless(x):
    while True:
        pass

def sometimes(x):
    while x < 0:
        pass
    time.sleep(x)
    return x
'''


@pytest.fixture(scope="module")
def run(tmp_path_factory):
    path = Path(tmp_path_factory.mktemp("timeouts")) / "sub.py"
    path.write_text(CODE)
    with open_sandbox(SandboxSettings(warm_imports=("numpy",))) as host:
        r = SubmissionRun(host, load_submission(path), notebook_seconds=30, cell_seconds=10,
                          call_seconds=CALL_SECONDS, max_restarts=8)
        r.start()
        yield r
        if r.child is not None:
            r.child.close()


def timed(run: SubmissionRun, name: str, x: float):
    start = time.monotonic()
    outcome = run.call(name, [x], {})
    return outcome, time.monotonic() - start


def test_probation_limit():
    assert probation_limit(10) == 2.5 and probation_limit(90) == 22.5
    assert probation_limit(4) == 2.0 and probation_limit(1.5) == 1.5


def test_an_endless_loop_costs_one_full_limit_and_one_short_one(run):
    first, t1 = timed(run, "endless", 1)
    second, t2 = timed(run, "endless", 1)
    third, t3 = timed(run, "endless", 1)
    assert first.error.kind == "timeout" and first.limit == CALL_SECONDS and CALL_SECONDS <= t1 < CALL_SECONDS + 2
    assert second.error.kind == "timeout" and second.limit == 2.0 and 2.0 <= t2 < 3.9
    assert third.error.kind == "gave_up" and third.error.message == "timeout" and t3 < 0.1


def test_a_call_that_returns_ends_the_probation(run):
    first, _ = timed(run, "sometimes", -1)
    assert first.error.kind == "timeout"
    quick, _ = timed(run, "sometimes", 0.1)
    assert quick.ok and quick.value == 0.1
    slow, t = timed(run, "sometimes", 2.6)  # longer than the probation limit, within the full one
    assert slow.ok and slow.value == 2.6 and t >= 2.6


def test_a_slow_call_on_probation_fails_with_the_shorter_limit_explained(run):
    first, _ = timed(run, "sometimes", -1)
    assert first.error.kind == "timeout"
    slow, _ = timed(run, "sometimes", 2.6)
    assert not slow.ok and slow.error.kind == "timeout" and slow.limit == 2.0
    error = describe_failure("sometimes", slow.error, slow.limit, 1024, shortened=True)
    assert isinstance(error, StudentTimeout)
    assert "within 2 s" in str(error) and "already timed out in an earlier test" in str(error)
