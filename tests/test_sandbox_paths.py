"""A project that lives under /tmp (a fresh clone there): the child's private /tmp must not hide the
bound package paths, and must not unmask the hidden ones."""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

import pytest

from autograder.sandbox.hosts import open_sandbox
from autograder.sandbox.run import SubmissionRun
from autograder.sandbox.settings import SandboxSettings
from autograder.submission.load import load_submission

CODE = '''
import os, sys

def probe(package, secret):
    sys.path.insert(0, package)
    import tmp_bound_module
    try:
        open(secret).read()
        leaked = True
    except OSError:
        leaked = False
    try:
        open(os.path.join(package, "new.txt"), "w").write("x")
        wrote_package = True
    except OSError:
        wrote_package = False
    open("/tmp/scratch.txt", "w").write("ok")
    return tmp_bound_module.VALUE, leaked, wrote_package, open("/tmp/scratch.txt").read()
'''


@pytest.fixture
def project_under_tmp():
    base = Path(tempfile.mkdtemp(prefix="ag-project-", dir="/tmp"))
    try:
        package = base / "pkg"
        (package / "secret").mkdir(parents=True)
        (package / "tmp_bound_module.py").write_text("VALUE = 42\n")
        (package / "secret" / "answer.txt").write_text("the hidden answer\n")
        for d in (base, package):
            d.chmod(0o755)
        (package / "tmp_bound_module.py").chmod(0o644)
        (package / "secret" / "answer.txt").chmod(0o644)
        yield package
    finally:
        shutil.rmtree(base, ignore_errors=True)


@pytest.mark.skipif(not hasattr(os, "fork"), reason="the sandbox's namespaces need Linux")
def test_bound_paths_under_tmp_stay_visible_read_only_and_masked(project_under_tmp, tmp_path):
    package = project_under_tmp
    submission = tmp_path / "sub.py"
    submission.write_text(CODE)
    settings = SandboxSettings(warm_imports=("numpy",), extra_paths=(str(package),),
                               hidden_paths=(str(package / "secret"),))
    with open_sandbox(settings) as host:
        run = SubmissionRun(host, load_submission(submission), notebook_seconds=30, cell_seconds=10,
                            call_seconds=10, max_restarts=1)
        run.start()
        try:
            outcome = run.call("probe", [str(package), str(package / "secret" / "answer.txt")], {})
        finally:
            if run.child is not None:
                run.child.close()
        isolated = host.isolation.namespaces
    assert outcome.ok, outcome.error
    value, leaked, wrote_package, scratch = outcome.value
    assert value == 42 and scratch == "ok"
    if isolated:  # without namespaces only file permissions apply (README, threat model)
        assert not leaked, "a hidden path under /tmp became readable"
        assert not wrote_package, "a bound path under /tmp became writable"
