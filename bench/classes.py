"""The parts of ``make bench`` that grade whole classes in one ``autograder grade`` run: 300 submissions of
three assignments from scratch, the regrade after one hidden test is edited, the start-up of a class that
imports only NumPy against today's warm set, and the per-submission cost of every assignment."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from bench import corpus, ours
from bench.report import Target, per_minute, sums

BIG_SECONDS = 120.0
BIG_MEMORY_MIB = 4096.0
REGRADE_SHARE = 0.15
STARTUP_FACTOR = 2.0
NUMPY_ONLY = ("import numpy as np", "import numpy as np\nfrom numpy.random import default_rng")
# What the sandbox host imported for every class before it read the notebooks (numpy, TensorFlow, Keras,
# torch): a notebook importing these makes today's host warm the same set.
OLD_WARM_SET = "import numpy as np\nimport tensorflow as tf\nimport keras\nimport torch"
EDITED_TEST = ("text_generation", "test_softmax_temperature.py", "softmax_temperature")


@dataclass(frozen=True)
class Section:
    """A part of the report: its lines, its targets and its raw figures."""

    lines: list[str]
    targets: list[Target]
    raw: dict


def copy_project(root: Path, dest: Path) -> Path:
    """A copy of the project's config, notebooks and solutions (tests to edit); its ``grading_config.yaml``."""
    shutil.rmtree(dest, ignore_errors=True)
    dest.mkdir(parents=True)
    shutil.copy2(root / "grading_config.yaml", dest / "grading_config.yaml")
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc", ".ipynb_checkpoints")
    for part in ("assignments", "solutions"):
        shutil.copytree(root / part, dest / part, ignore=ignore)
    return dest / "grading_config.yaml"


def grade_all(cli: Path, names: list[str], subs: Path, out: Path, workers: int, root: Path, config: Path | None = None,
              fresh: bool = True) -> ours.GradeRun:
    """One ``autograder grade`` over ``names`` (notebooks in ``subs/<name>/``), outputs in ``out/<name>/``."""
    extra = [x for n in names[1:] for x in ("--assignment", n)] + (["--config", str(config)] if config else [])
    run = ours.grade(cli, names[0], subs, out, workers, root, extra, fresh)
    run.graded = [g for n in names for g in ours.read_results(out / n)]
    return run


def by_assignment(names: list[str], out: Path) -> dict[str, list[ours.Graded]]:
    """Each assignment's results under ``out/<name>/``."""
    return {n: ours.read_results(out / n) for n in names}


def cost_line(name: str, graded: list[ours.Graded]) -> str:
    """Mean per-submission seconds of one assignment's results."""
    if not graded:
        return f"  {name}: nothing graded"
    mean = {k: float(np.mean([getattr(g, k) for g in graded])) for k in ("wall", "student", "tests", "overhead")}
    return (f"  {name:20s} n={len(graded):3d}  wall {mean['wall']:.2f} s = student {mean['student']:.2f} + tests "
            f"{mean['tests']:.2f} + overhead {mean['overhead']:.3f} (means); timed out "
            f"{sum(g.timed_out for g in graded)}")


def big_and_regrade(cli: Path, root: Path, work: Path, names: list[str], per: int, workers: int,
                    generate: Callable[[str, Path], list[corpus.Planned]], load: Callable[[], str],
                    log: Callable[[str], None]) -> tuple[Section, ours.GradeRun, dict[str, list[ours.Graded]], Path]:
    """Grade ``per`` submissions of each assignment in one run from scratch (in a copy of the project), run
    the same command again with nothing changed, then after appending a comment to one question's hidden
    test file; the section, the scratch run, its results by assignment and the submissions' folder."""
    subs = work / "subs" / f"big-{per}"
    mixes = {n: generate(n, subs / n) for n in names}
    config = copy_project(root, work / "project")
    out = work / "big"
    n = per * len(names)
    log(f"big run: {n} submissions, one autograder grade over {', '.join(names)}")
    loads = [load()]
    scratch = grade_all(cli, names, subs, out, workers, root, config)
    per_name = by_assignment(names, out)
    log("the same command again, nothing changed")
    loads.append(load())
    same = grade_all(cli, names, subs, out, workers, root, config, fresh=False)
    assignment, test_file, question = EDITED_TEST
    edited = config.parent / "solutions" / assignment / "tests" / test_file
    with edited.open("a") as f:
        f.write("\n# bench: a tutor's edit (one comment) to this question's hidden tests\n")
    log(f"regrade after editing {assignment}/{test_file}")
    loads.append(load())
    regrade = grade_all(cli, names, subs, out, workers, root, config, fresh=False)
    after = {(g.key, g.score, tuple(sorted(g.hidden.items()))) for g in regrade.graded}
    before = {(g.key, g.score, tuple(sorted(g.hidden.items()))) for g in scratch.graded}
    s_wall, s_student, s_tests, s_over = sums(scratch)
    lines = [f"3. Big run: {n} submissions ({per} of each of {', '.join(names)}), one `autograder grade` over the "
             f"{len(names)} assignments (one sandbox host, one set of workers), in a copy of the project "
             f"(load average before: {loads[0]})",
             f"  wall {scratch.wall:.1f} s = {per_minute(n, scratch.wall):.1f} submissions/min; start-up before the "
             f"first submission started {scratch.startup:.1f} s; peak PSS {scratch.peak_pss_mib:.0f} MiB (RSS sum "
             f"{scratch.peak_rss_mib:.0f} MiB, {scratch.peak_processes} processes at most); exit {scratch.returncode}",
             f"  sum student {s_student:.0f} s, tests {s_tests:.0f} s, overhead {s_over:.1f} s "
             f"(mean {s_over / max(1, len(scratch.graded)):.3f} s)",
             *[cost_line(name, g) for name, g in per_name.items()],
             *[f"  mix: {name}: {_mix(p)}" for name, p in mixes.items()],
             f"  the same command again, nothing changed: {same.wall:.1f} s ({100 * same.wall / scratch.wall:.0f}% of "
             f"scratch; load average before: {loads[1]})",
             f"  after appending a comment to {assignment}'s hidden {test_file} (question {question} only): "
             f"{regrade.wall:.1f} s = {100 * regrade.wall / scratch.wall:.1f}% of scratch; {regrade.partly_regraded} "
             f"results printed as partly graded again (of {per} {assignment} submissions), start-up "
             f"{regrade.startup:.1f} s; results identical to scratch: {len(after & before)} of {len(before)} "
             f"(load average before: {loads[2]})"]
    targets = [
        Target(f"{n} submissions of {len(names)} assignments in one run < {BIG_SECONDS:.0f} s",
               scratch.wall < BIG_SECONDS and len(scratch.graded) == n,
               f"{scratch.wall:.1f} s, {len(scratch.graded)} graded"),
        Target(f"peak memory (PSS) of the {n} run < 4 GiB", scratch.peak_pss_mib < BIG_MEMORY_MIB,
               f"{scratch.peak_pss_mib:.0f} MiB"),
        Target(f"regrade after editing one question's hidden test <= {100 * REGRADE_SHARE:.0f}% of scratch (same run)",
               regrade.wall <= REGRADE_SHARE * scratch.wall and after == before,
               f"{regrade.wall:.1f} s / {scratch.wall:.1f} s = {100 * regrade.wall / scratch.wall:.1f}%; "
               f"{len(after & before)} of {len(before)} results identical"),
    ]
    raw = {"scratch": scratch.wall, "unchanged": same.wall, "regrade": regrade.wall, "partly_regraded":
           regrade.partly_regraded, "identical": len(after & before), "loads": loads,
           "startup": [scratch.startup, same.startup, regrade.startup], "peak_pss_mib": scratch.peak_pss_mib}
    return Section(lines, targets, raw), scratch, per_name, subs


def _mix(planned: list[corpus.Planned]) -> str:
    kinds = [p.kind for p in planned]
    return ", ".join(f"{kinds.count(k)} {k}" for k in ("correct", "wrong", "timeout"))


def numpy_startup(cli: Path, root: Path, work: Path, n: int, workers: int, seed: int, load: Callable[[], str],
                  log: Callable[[str], None]) -> Section:
    """A class of ``n`` text_generation notebooks that import only NumPy, graded as is, then the same notebooks
    with a cell importing what the host warmed for every class before it read the notebooks (TensorFlow,
    Keras, torch): seconds until the first submission starts, each way."""
    name = "text_generation"
    runs = {}
    loads = {}
    for label, slug, cells in (("numpy only", "numpy", NUMPY_ONLY), ("today's warm set", "old", (OLD_WARM_SET,))):
        dest = work / "subs" / f"startup-{slug}"
        corpus.generate(root, name, n, seed, dest, framework_share=0.0, timeout_share=0.0, import_cells=cells,
                        tf_cell=False)
        log(f"start-up: {n} {name} notebooks, {label}")
        loads[label] = load()
        runs[label] = ours.grade(cli, name, dest, work / "startup" / slug, workers, root)
    new, old = runs["numpy only"], runs["today's warm set"]
    ratio = old.startup / new.startup if new.startup > 0 else float("nan")
    lines = [f"6. Start-up of a class that imports only NumPy ({n} {name} notebooks, no framework alternatives): "
             f"seconds from the command's start until the first submission started grading"]
    for label, r in runs.items():
        lines.append(f"  {label}: start-up {r.startup:.1f} s, wall {r.wall:.1f} s for {len(r.graded)} "
                     f"(load average before: {loads[label]})")
    lines.append(f"  today's warm set = numpy, TensorFlow, Keras and torch, what the host imported for every class "
                 f"before it read the notebooks: here the same notebooks with a cell importing them. "
                 f"{ratio:.2f}x sooner")
    target = Target(f"a NumPy-only class starts its first submission >= {STARTUP_FACTOR:g}x sooner than with "
                    f"today's warm set (same run)", ratio >= STARTUP_FACTOR,
                    f"{new.startup:.1f} s against {old.startup:.1f} s = {ratio:.2f}x")
    return Section(lines, [target], {label: {"startup": r.startup, "wall": r.wall} for label, r in runs.items()})


def new_assignments(cli: Path, root: Path, work: Path, names: list[str], per: int, workers: int,
                    generate: Callable[[str, Path], list[corpus.Planned]], load: Callable[[], str],
                    log: Callable[[str], None], old: dict[str, list[ours.Graded]]) -> Section:
    """``per`` submissions of each newer assignment in one run; their per-submission cost beside the old ones'."""
    subs = work / "subs" / f"new-{per}"
    mixes = {n: generate(n, subs / n) for n in names}
    out = work / "new"
    log(f"newer assignments: {per} each of {', '.join(names)} in one run")
    before = load()
    run = grade_all(cli, names, subs, out, workers, root)
    graded = by_assignment(names, out)
    lines = [f"7. Per-submission cost of every assignment: {per} each of {', '.join(names)} in one "
             f"`autograder grade` ({run.wall:.1f} s, start-up {run.startup:.1f} s, peak PSS "
             f"{run.peak_pss_mib:.0f} MiB, exit {run.returncode}; load average before: {before}), beside the big "
             f"run's three"]
    lines += [cost_line(name, g) for name, g in {**old, **graded}.items()]
    lines += [f"  mix: {name}: {_mix(p)}" for name, p in mixes.items()]
    raw = {name: {"n": len(g), "wall": float(np.mean([x.wall for x in g])) if g else None,
                  "student": float(np.mean([x.student for x in g])) if g else None,
                  "tests": float(np.mean([x.tests for x in g])) if g else None} for name, g in graded.items()}
    return Section(lines, [], {"run_wall": run.wall, "startup": run.startup, "per_assignment": raw})
