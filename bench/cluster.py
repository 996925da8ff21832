"""The cluster's part of ``make bench``: the same submissions graded by the local pool and by a Dask
``LocalCluster`` (``autograder grade --cluster local:N``), one CLI run over the assignments each way,
and the ratio of their walls."""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path

from bench import ours
from bench.report import Target

CLUSTER_RATIO = 1.15


def grade(cli: Path, names: list[str], subs: Path, out: Path, workers: int, root: Path,
          cluster: bool) -> tuple[ours.GradeRun, dict[tuple[str, str], ours.Graded]]:
    """One ``autograder grade`` over ``names`` (``subs/<name>/``), locally or on ``--cluster local:workers``;
    the run and its results by (assignment, key)."""
    extra = [x for n in names[1:] for x in ("--assignment", n)] + (["--cluster", f"local:{workers}"] if cluster else [])
    run = ours.grade(cli, names[0], subs, out, workers, root, extra)
    return run, {(n, g.key): g for n in names for g in ours.read_results(out / n)}


def cluster_start(workers: int) -> float:
    """Seconds to start a ``LocalCluster`` of ``workers`` Dask worker processes and connect (nothing graded)."""
    from autograder.grading.cluster import dask_client

    t0 = time.monotonic()
    with dask_client(local=workers):
        return time.monotonic() - t0


def first_result(run: ours.GradeRun) -> float:
    return min((t for t, _ in run.printed), default=float("nan"))


def run(cli: Path, root: Path, work: Path, names: list[str], per: int, workers: int, subs: Path,
        local_run: tuple[ours.GradeRun, dict[tuple[str, str], ours.Graded], str], uptime: Callable[[], str],
        log: Callable[[str], None]) -> tuple[list[str], Target, dict]:
    """Grade the submissions of ``subs/<name>/`` on a LocalCluster of ``workers``, against the local pool's
    run of the same submissions (``local_run``: the run, its results by (assignment, key), the load before it); the
    report's lines, the target and the raw figures."""
    log(f"cluster: the big run's {per * len(names)} submissions on a LocalCluster of {workers}")
    local, local_results, local_load = local_run
    loads = [local_load, uptime().split("load average: ")[-1]]
    runs = [(local, local_results),
            grade(cli, names, subs, work / "cluster" / "dask", workers, root, True)]
    start = cluster_start(workers)
    (local, mine), (dask, theirs) = runs
    n = len(mine)
    same = sum(k in theirs and theirs[k].score == g.score and theirs[k].hidden == g.hidden for k, g in mine.items())
    lines = [f"5. The big run's {n} submissions ({per} per assignment) with the local pool (section 3) and on a Dask "
             f"LocalCluster, one `autograder grade` over the {len(names)} assignments each way"]
    for label, r, graded, load in (("local pool", local, mine, loads[0]), ("LocalCluster", dask, theirs, loads[1])):
        how = f"--cluster local:{workers}" if r is dask else f"--workers {workers}"
        lines.append(f"  {label} ({how}): {len(graded)} graded in {r.wall:.1f} s, first result after "
                     f"{first_result(r):.1f} s, peak PSS {r.peak_pss_mib:.0f} MiB, exit {r.returncode} "
                     f"(load average before: {load})")
    lines += [f"  ratio LocalCluster / local pool wall: {dask.wall / local.wall:.2f}x",
              f"  worker start-up: a LocalCluster of {workers} Dask workers starts in {start:.1f} s (nothing graded); "
              f"the cluster's first result came {first_result(dask) - first_result(local):+.1f} s after the local "
              f"pool's (Dask's workers, and one sandbox host per Dask worker instead of one for the run)",
              f"  results: {same} of {n} identical (score and every hidden test's verdict)"]
    found = Target(f"{n} submissions on a LocalCluster <= {CLUSTER_RATIO}x the local pool's wall (same run)",
                   dask.wall <= CLUSTER_RATIO * local.wall and same == n > 0,
                   f"{dask.wall:.1f} s / {local.wall:.1f} s = {dask.wall / local.wall:.2f}x; {same} of {n} identical")
    raw = {"local_wall": local.wall, "cluster_wall": dask.wall, "cluster_start": start, "identical": same,
           "graded": [len(mine), len(theirs)], "first_result": [first_result(local), first_result(dask)],
           "peak_pss_mib": [local.peak_pss_mib, dask.peak_pss_mib], "loads": loads}
    return lines, found, raw
