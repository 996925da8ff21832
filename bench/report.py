"""The printed report: figures, where the time goes, and PASS/FAIL against the issue's targets."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from bench.otter_loop import OtterRun
from bench.ours import GradeRun

THROUGHPUT_RATIO = 10.0
OVERHEAD_SECONDS = 0.05
WALL_FACTOR = 1.3


@dataclass(frozen=True)
class Target:
    name: str
    passed: bool
    figure: str


def per_minute(n: int, seconds: float) -> float:
    return 60.0 * n / seconds if seconds > 0 else float("nan")


def dist(values: list[float]) -> str:
    if not values:
        return "n/a"
    a = np.asarray(values, dtype=float)
    return (f"mean {a.mean():.3f} s, p50 {np.percentile(a, 50):.3f}, p95 {np.percentile(a, 95):.3f}, "
            f"max {a.max():.3f}")


def sums(run: GradeRun) -> tuple[float, float, float, float]:
    """(sum wall, sum student, sum tests, sum overhead) over the run's submissions."""
    g = run.graded
    return (sum(x.wall for x in g), sum(x.student for x in g), sum(x.tests for x in g), sum(x.overhead for x in g))


def ours_section(run: GradeRun, title: str) -> list[str]:
    n = len(run.graded)
    s_wall, s_student, s_tests, s_over = sums(run)
    ideal = (s_student + s_tests) / run.workers
    shutdown = run.wall - run.last_result
    idle = run.workers * (run.last_result - run.startup) - s_wall
    w = run.workers * run.wall  # worker-seconds available
    out = [title,
           f"  command: {' '.join(run.command[1:])}  (exit {run.returncode})",
           f"  wall {run.wall:.1f} s for {n} submissions = {per_minute(n, run.wall):.1f} submissions/min "
           f"(after start-up: {per_minute(n, run.wall - run.startup):.1f}/min)",
           f"  start-up before the first submission started: {run.startup:.1f} s; after the last result: "
           f"{shutdown:.1f} s",
           f"  per submission wall:     {dist([x.wall for x in run.graded])}",
           f"  per submission student:  {dist([x.student for x in run.graded])}",
           f"  per submission tests:    {dist([x.tests for x in run.graded])}",
           f"  per submission overhead (wall - student - tests): {dist([x.overhead for x in run.graded])}",
           f"  sum(student + tests) = {s_student:.1f} + {s_tests:.1f} = {s_student + s_tests:.1f} s; / {run.workers} "
           f"workers = {ideal:.1f} s; batch wall / that = {run.wall / ideal:.2f}",
           f"  where the {w:.0f} worker-seconds went: start-up {run.workers * run.startup:.0f} "
           f"({100 * run.workers * run.startup / w:.0f}%), student {s_student:.0f} ({100 * s_student / w:.0f}%), "
           f"tests {s_tests:.0f} ({100 * s_tests / w:.0f}%), overhead {s_over:.0f} ({100 * s_over / w:.0f}%), "
           f"idle between/after jobs {idle:.0f} ({100 * idle / w:.0f}%), shutdown {run.workers * shutdown:.0f} "
           f"({100 * run.workers * shutdown / w:.0f}%)",
           f"  timed out (a function never returned): {sum(x.timed_out for x in run.graded)}",
           f"  peak memory of the process tree: PSS {run.peak_pss_mib:.0f} MiB (RSS sum {run.peak_rss_mib:.0f} MiB, "
           f"{run.peak_processes} processes at most)"]
    if n and sum(x.timed_out for x in run.graded):
        slow = sorted(run.graded, key=lambda x: -x.wall)[:3]
        out.append("  slowest: " + ", ".join(f"{x.key} {x.wall:.1f} s (student {x.student:.1f})" for x in slow))
    return out


def otter_section(run: OtterRun, ours: GradeRun, load: str) -> list[str]:
    n = len(run.graded)
    done = [g for g in run.graded if not g.timed_out]
    failed = [g for g in done if g.score is None]
    out = [f"2. Otter: `otter run` per notebook, {run.parallel} at a time, killed after {run.timeout:.0f} s "
           f"(Otter has no timeout; load average before: {load})",
           f"  wall {run.wall:.1f} s for {n} submissions = {per_minute(n, run.wall):.1f} submissions/min",
           f"  per completed run: {dist([g.seconds for g in done])}",
           f"  timed out and killed: {n - len(done)}; finished without results.json: {len(failed)}",
           f"  peak memory of the otter run trees: PSS {run.peak_pss_mib:.0f} MiB (RSS sum {run.peak_rss_mib:.0f} "
           f"MiB, {run.peak_processes} processes at most)"]
    phased = [g.phases for g in done if g.phases]
    if phased:
        means = {k: float(np.mean([p[k] for p in phased])) for k in phased[0]}
        out.append("  per completed run, mean: " + ", ".join(f"{k.replace('_', ' ')} {v:.1f} s"
                                                           for k, v in means.items())
                   + " (start: Otter's CLI, unzip, kernel start, Otter's cells; cells: the notebook with its TF "
                     "imports and Otter's public checks)")
    ours_by_key = {g.key: g.hidden for g in ours.graded}
    compared = [(g.key, g.hidden, ours_by_key.get(g.key)) for g in done if g.hidden is not None]
    same = [k for k, a, b in compared if a == b]
    out.append(f"  hidden-test verdicts identical to ours (test by test): {len(same)} of {len(compared)} "
               f"submissions Otter finished")
    for key, a, b in [c for c in compared if c[1] != c[2]][:5]:
        diff = sorted(t for t in set(a or {}) | set(b or {}) if (a or {}).get(t) != (b or {}).get(t))
        out.append(f"    differs: {key}: {', '.join(diff[:4])}")
    return out


def ceiling_lines(ours: GradeRun, otter: OtterRun) -> list[str]:
    """The best ratio our grader could reach if it cost nothing but the student's code and the tests."""
    _, s_student, s_tests, _ = sums(ours)
    floor = (s_student + s_tests) / ours.workers
    loops = [x for x in ours.graded if x.timed_out]
    killed = [g for g in otter.graded if g.timed_out]
    out = [f"  ceiling: Otter's wall / ((student + tests) / workers) = {otter.wall:.1f} / {floor:.1f} = "
           f"{otter.wall / floor:.2f}x (no start-up, no overhead, no idle on our side)"]
    if loops:
        out.append(f"  endless loops: ours {np.mean([x.wall for x in loops]):.1f} s each (calls stopped at their "
                   f"limit, then the function is not called again); Otter: {len(killed)} killed at "
                   f"{otter.timeout:.0f} s")
    return out


def by_variant(variants: dict[str, str], ours: GradeRun, otter: OtterRun | None) -> list[str]:
    """Mean seconds per kind of submission (mutants together), heaviest total first."""
    groups: dict[str, list[str]] = {}
    for key, v in variants.items():
        groups.setdefault("mutant (all)" if v.startswith("mutant__") else v, []).append(key)
    mine = {g.key: g for g in ours.graded}
    theirs = {g.key: g for g in otter.graded} if otter else {}
    out = ["Per kind of submission (text_generation): n, our mean wall and student s, share of our worker time"
           + ("; Otter mean s" if otter else "")]
    total = sum(g.wall for g in ours.graded) or 1.0
    rows = [(v, [mine[k] for k in keys if k in mine], [theirs[k].seconds for k in keys if k in theirs])
            for v, keys in groups.items()]
    for v, g, t in sorted(rows, key=lambda r: -sum(x.wall for x in r[1])):
        if not g:
            continue
        line = (f"  {v:42s} {len(g):3d}  wall {np.mean([x.wall for x in g]):6.2f}  student "
                f"{np.mean([x.student for x in g]):6.2f}  {100 * sum(x.wall for x in g) / total:4.1f}%")
        out.append(line + (f"  Otter {np.mean(t):6.1f}" if t else ""))
    return out


def drift_lines(ours: GradeRun, after: GradeRun, otter: OtterRun) -> list[str]:
    """Our two measurements of the same notebooks, before and after Otter's run, and the ratios."""
    rate = per_minute(len(otter.graded), otter.wall)
    mean_wall = (ours.wall + after.wall) / 2
    return [f"  drift check: the same {len(ours.graded)} {ours.assignment} notebooks took us {ours.wall:.1f} s before "
            f"Otter's run and {after.wall:.1f} s after it (the same command again),",
            f"  ratio {per_minute(len(ours.graded), ours.wall) / rate:.2f}x and "
            f"{per_minute(len(after.graded), after.wall) / rate:.2f}x; against their mean ({mean_wall:.1f} s): "
            f"{per_minute(len(ours.graded), mean_wall) / rate:.2f}x (the target below uses the mean: the machine's "
            f"speed drifts during the bench)"]


def targets(ours: GradeRun, otter: OtterRun | None, after: GradeRun | None) -> list[Target]:
    """Throughput against Otter (our runs before and after Otter's, mean), overhead, batch wall."""
    out = []
    if otter is not None:
        walls = [ours.wall] + ([after.wall] if after else [])
        mean_wall = sum(walls) / len(walls)
        ratio = per_minute(len(ours.graded), mean_wall) / per_minute(len(otter.graded), otter.wall)
        how = f"our runs before and after Otter's, mean {mean_wall:.1f} s" if after else f"our run, {mean_wall:.1f} s"
        out.append(Target(f"throughput >= {THROUGHPUT_RATIO:g}x Otter's (same run, equivalent tests)",
                          ratio >= THROUGHPUT_RATIO, f"{ratio:.2f}x ({how}; Otter {otter.wall:.1f} s)"))
    over = [x.overhead for x in ours.graded]
    mean_over = float(np.mean(over)) if over else float("nan")
    out.append(Target(f"per-submission overhead (wall - student - tests) < {OVERHEAD_SECONDS} s (mean; p95 shown)",
                      mean_over < OVERHEAD_SECONDS,
                      f"mean {mean_over:.3f} s, p95 {np.percentile(over, 95):.3f} s" if over else "n/a"))
    s_wall, s_student, s_tests, _ = sums(ours)
    ideal = (s_student + s_tests) / ours.workers
    out.append(Target(f"batch wall <= {WALL_FACTOR} x (student + tests) / workers",
                      ours.wall <= WALL_FACTOR * ideal, f"{ours.wall:.1f} s vs {WALL_FACTOR} x {ideal:.1f} s "
                                                        f"= {WALL_FACTOR * ideal:.1f} s ({ours.wall / ideal:.2f}x)"))
    return out


def target_lines(found: list[Target]) -> list[str]:
    return ["Targets"] + [f"  [{'PASS' if t.passed else 'FAIL'}] {t.name}: {t.figure}" for t in found]
