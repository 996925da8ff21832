"""Grading on a Dask cluster (``autograder.grading.cluster``): one LocalCluster of 2 worker processes
for the module; its results equal the local pool's, and a worker killed mid-run loses nothing."""

from __future__ import annotations

import io
import json
import os
import signal
import sqlite3
import tarfile
from pathlib import Path
from types import SimpleNamespace

import pytest

from autograder.config import load_config
from autograder.grading.batch import Request, grade_batches
from autograder.grading.cluster import CoursePlugin, DaskPool, course_bundle, dask_client, dask_pool
from autograder.grading.events import RunListener

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[1]
CONFIG = ROOT / "grading_config.yaml"
ASSIGNMENTS = list(load_config(CONFIG)[0].assignments)


@pytest.fixture(scope="module")
def client():
    with dask_client(local=2) as c:
        yield c


def requests(base: Path) -> list[Request]:
    return [Request(a, [ROOT / "examples" / a], base / a, listeners=[]) for a in ASSIGNMENTS]


def plain(result) -> tuple:
    return ([(t.name, t.passed, t.score, t.output) for t in result.tests], result.messages, result.error,
            result.total, result.lost)


def test_the_bundle_holds_what_grading_needs_and_no_mutants_alternatives_or_examples():
    with tarfile.open(fileobj=io.BytesIO(course_bundle(CONFIG, ["text_generation"])), mode="r:gz") as tar:
        names = set(tar.getnames())
    assert {"grading_config.yaml", "solutions/__init__.py", "solutions/text_generation/solution.py",
            "solutions/text_generation/tests/test_beam_search.py",
            "assignments/text_generation/tests/beam_search.py"} <= names
    assert not [n for n in names if "mutants" in n or "alternatives" in n or "examples" in n or "__pycache__" in n]
    assert not [n for n in names if "style_transfer" in n]
    assert course_bundle(CONFIG, ["text_generation"]) == course_bundle(CONFIG, ["text_generation"])


def test_a_worker_whose_installation_differs_refuses_to_grade_and_says_why(tmp_path):
    plugin = CoursePlugin(b"", ["text_generation"], None, None, [], {"python": "2.7"})
    plugin.setup(SimpleNamespace(local_directory=str(tmp_path)))
    assert plugin.grader is None
    assert "python 3.11 (client: 2.7)" in plugin.problem


def test_a_local_cluster_grades_the_examples_of_every_assignment_like_the_local_pool(client, corpus, tmp_path):
    """The local pool's results are the session's corpus (the same examples, graded in one local run)."""
    cluster = {r.assignment: r for r in grade_batches(CONFIG, requests(tmp_path / "cluster"), workers=2,
                                                      pool=dask_pool(client))}
    assert sorted(cluster) == sorted(ASSIGNMENTS)
    for name in ASSIGNMENTS:
        mine = {r.submission: r for r in cluster[name].results}
        theirs = {k.removeprefix("example__"): r for k, r in corpus(name).results.items() if k.startswith("example__")}
        assert sorted(mine) == sorted(theirs) == ["broken", "full_marks", "partly_wrong"], name
        assert not cluster[name].grader_problems, cluster[name].grader_problems
        for key, result in theirs.items():
            assert not result.lost and result.tests, (name, key, result.error)
            assert plain(mine[key]) == plain(result), (name, key)


class KillOnFirstResult(RunListener):
    """Kills the Dask worker process that is grading a submission when the first result arrives."""

    def __init__(self, client, pools: list[DaskPool]) -> None:
        self.client, self.pools = client, pools
        self.killed: list[str] = []  # the submissions the killed worker was grading

    def graded(self, item) -> None:
        if self.killed:
            return
        executing = self.client.run(lambda dask_worker: [ts.key for ts in dask_worker.state.executing])
        address, keys = next((a, k) for a, k in executing.items() if k)
        pid = self.client.run(os.getpid, workers=[address])[address]
        self.killed = [self.pools[0]._flying[tuple(k)][1].key for k in keys]
        os.kill(pid, signal.SIGKILL)


def variants(source: Path, dest: Path, copies: int) -> None:
    """``copies`` files with ``source``'s code, each distinct (the gradebook grades identical files once)."""
    notebook = json.loads(source.read_text())
    for i in range(copies):
        notebook["cells"].append({"cell_type": "markdown", "metadata": {}, "source": f"copy {i}"})
        (dest / f"{source.stem}-{i}.ipynb").write_text(json.dumps(notebook))


def test_a_worker_killed_mid_run_loses_nothing_and_the_sandboxes_never_see_the_course(client, tmp_path):
    subs = tmp_path / "subs"
    subs.mkdir()
    for example in ("full_marks", "partly_wrong"):
        variants(ROOT / "examples" / "text_generation" / f"{example}.ipynb", subs, 4)
    worker_dirs = list(client.run(lambda dask_worker: dask_worker.local_directory).values())
    probe = [str(ROOT / "autograder"), *worker_dirs, str(ROOT / "solutions"), str(tmp_path / "out")]
    (subs / "probe.py").write_text(f"import os\n\nraise RuntimeError('visible: ' + repr([p for p in {probe!r} "
                                   f"if os.path.exists(p)]))\n")
    pools: list[DaskPool] = []

    def factory(*args, **kwargs) -> DaskPool:
        pools.append(DaskPool(*args, client=client, **kwargs))
        return pools[0]

    killer = KillOnFirstResult(client, pools)
    out = tmp_path / "out"
    [report] = grade_batches(CONFIG, [Request("text_generation", [subs], out, listeners=[killer])], pool=factory)

    assert killer.killed, "no worker was grading when the first result arrived"
    results = {r.submission: r for r in report.results}
    assert len(results) == len(report.results) == 9
    assert not report.lost and not [r for r in results.values() if r.lost], report.grader_problems
    assert all(results[k].tests and not results[k].error for k in killer.killed)  # graded again elsewhere
    assert {results[k].total for k in results if k.startswith("full_marks")} == {12}
    assert len({results[k].total for k in results if k.startswith("partly_wrong")}) == 1
    assert f"visible: {[str(ROOT / 'autograder')]!r}" in " ".join(results["probe"].messages)
    with sqlite3.connect(out / "gradebook.sqlite") as db:
        per_content = db.execute("SELECT sha256, COUNT(*) FROM results GROUP BY sha256").fetchall()
        items = db.execute("SELECT submission_id, COUNT(*), COUNT(result_id) FROM run_items GROUP BY submission_id")
        assert len(per_content) == 9 and {n for _, n in per_content} == {1}
        assert sorted((n, with_result) for _, n, with_result in items.fetchall()) == [(1, 1)] * 9
