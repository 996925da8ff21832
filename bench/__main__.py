"""``python -m bench`` (``make bench``): generate a class, grade it with ``autograder grade`` and with
an equivalent ``otter run`` loop, then grade 300 submissions of all three assignments, and the same 300 with
the local pool against a Dask LocalCluster; print the report and write it to ``bench/results/latest.txt``
(raw figures in ``bench/results/raw.json``)."""

from __future__ import annotations

import argparse
import dataclasses
import datetime
import json
import os
import shutil
import subprocess
import sys
import time
from collections import Counter
from importlib import metadata
from pathlib import Path

from bench import classes, cluster, corpus, otter_loop, ours, report
from bench.otter_zip import build_zip
from bench.profile import summary as profile_summary

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "bench" / "results"
ASSIGNMENTS = ("text_generation", "style_transfer", "autoencoders")
NEWER = ("keras_autoencoders", "adversarial", "transformers")
COMPARED = "text_generation"


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    p = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    p.add_argument("--quick", action="store_true", help="N=20 and a 30-submission big run, for trying things")
    p.add_argument("-n", type=int, default=None, help="text_generation submissions for the Otter comparison (100)")
    p.add_argument("--big", type=int, default=None, help="submissions of the big run, split over the 3 "
                                                         "assignments (300)")
    p.add_argument("--seed", type=int, default=2026)
    p.add_argument("--workers", type=int, default=2, help="autograder grade --workers (2)")
    p.add_argument("--otter-parallel", type=int, default=2)
    p.add_argument("--otter-timeout", type=float, default=120.0, help="wall-clock limit per otter run (120 s)")
    p.add_argument("--wrong", type=float, default=0.25, help="share of wrong submissions (mutants)")
    p.add_argument("--timeouts", type=float, default=0.03, help="share of submissions with an endless loop")
    p.add_argument("--framework", type=float, default=0.1, help="share of the correct submissions written with "
                                                                 "TensorFlow, Keras or PyTorch operations (0.1)")
    p.add_argument("--skip-otter", action="store_true")
    p.add_argument("--skip-big", action="store_true")
    p.add_argument("--skip-cluster", action="store_true", help="no LocalCluster run (section 5)")
    p.add_argument("--skip-new", action="store_true", help="no per-submission cost of the newer assignments (7)")
    p.add_argument("--startup-n", type=int, default=None, help="notebooks of the start-up comparison (20)")
    p.add_argument("--strict", action="store_true", help="exit 1 when a target fails")
    args = p.parse_args(argv)
    args.n = args.n or (20 if args.quick else 100)
    args.big = args.big or (30 if args.quick else 300)
    args.startup_n = args.startup_n or (6 if args.quick else 20)
    return args


def log(message: str) -> None:
    print(f"[bench {time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


def uptime() -> str:
    try:
        return subprocess.run(["uptime"], capture_output=True, text=True, check=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "load average: " + ", ".join(f"{x:.2f}" for x in os.getloadavg())


def versions() -> str:
    found = []
    for dist in ("tensorflow-cpu", "keras", "torch", "numpy", "otter-grader"):
        try:
            found.append(f"{dist} {metadata.version(dist)}")
        except metadata.PackageNotFoundError:
            pass
    return ", ".join(found)


def mix(planned: list[corpus.Planned]) -> str:
    kinds = Counter(p.kind for p in planned)
    framework = sum(p.variant.removeprefix("alternative__") in corpus.FRAMEWORK_ALTERNATIVES for p in planned)
    return (f"{kinds['correct']} correct ({framework} of them with TensorFlow, Keras or PyTorch operations), "
            f"{kinds['wrong']} wrong (mutants), {kinds['timeout']} with an endless loop")


def profile_section(planned: list[corpus.Planned], work: Path) -> list[str]:
    """Per-phase timings of one correct, one wrong and one endless-loop submission in one worker."""
    picks = [next((p for p in planned if p.variant == v), None) for v in ("reference",)]
    picks += [next((p for p in planned if p.kind == k), None) for k in ("wrong", "timeout")]
    picks = [p for p in picks if p is not None]
    kinds = {p.key: f"{p.key} ({p.variant})" for p in picks}
    log(f"profiling {len(picks)} submissions in one worker (python -m bench.profile)")
    load = uptime().split("load average: ")[-1]
    proc = subprocess.run([sys.executable, "-m", "bench.profile", COMPARED, *(p.path for p in picks)], cwd=ROOT,
                          capture_output=True, text=True)
    head = f"4. Where a submission's time goes: one worker, in process, timers around spawn/cells/calls " \
           f"(python -m bench.profile; load average before: {load})"
    if proc.returncode != 0:
        return [head, f"  profile failed: {proc.stderr.strip().splitlines()[-1:]}"]
    (work / "profile.json").write_text(proc.stdout)
    return [head, *profile_summary(json.loads(proc.stdout), lambda k: kinds.get(k, k)),
            "  (round trips = call wall - time inside the student's function: encoding, socket, decoding; the "
            "runner counts them in `tests`, not in the overhead)"]


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    venv_bin = Path(sys.executable).parent
    cli, otter = venv_bin / "autograder", venv_bin / "otter"
    work = RESULTS / "work"
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir(parents=True)
    started = datetime.datetime.now().astimezone()
    load_start = uptime()
    log(f"load at start: {load_start}")
    lines = [f"Grading benchmark (python -m bench{' --quick' if args.quick else ''}), {started:%Y-%m-%d %H:%M %Z}",
             f"Machine: {os.cpu_count()} cores; Python {sys.version.split()[0]}; {versions()}",
             f"Load at start: {load_start}"]
    raw: dict = {"args": vars(args), "started": started.isoformat()}

    subs = work / "subs" / f"{COMPARED}-{args.n}"
    planned = corpus.generate(ROOT, COMPARED, args.n, args.seed, subs, args.wrong, args.timeouts,
                              args.framework)
    lines.append(f"Seed {args.seed}. {COMPARED}: {args.n} notebooks, {mix(planned)}; each imports numpy, "
                 f"TensorFlow and Keras in its first code cell.")
    log(f"grading {args.n} {COMPARED} notebooks with autograder grade --workers {args.workers}")
    load = uptime().split("load average: ")[-1]
    mine = ours.grade(cli, COMPARED, subs, work / "ours" / COMPARED, args.workers, ROOT)
    raw["ours"] = dataclasses.asdict(mine)
    lines += [""] + report.ours_section(mine, f"1. autograder grade, {COMPARED}, N={args.n}, "
                                              f"--workers {args.workers} (load average before: {load})")
    theirs = mine_after = None
    if not args.skip_otter:
        zip_path = build_zip(ROOT, COMPARED, work / "otter-zip", otter)
        log(f"otter run over the same {args.n} notebooks, {args.otter_parallel} at a time (several minutes)")
        load = uptime().split("load average: ")[-1]
        done: list[int] = []

        def progress(g: otter_loop.OtterGraded) -> None:
            done.append(1)
            if len(done) % 10 == 0 or g.timed_out:
                killed = f" ({g.key} killed at the time limit)" if g.timed_out else ""
                log(f"  otter: {len(done)}/{args.n} done{killed}")

        notebooks = [Path(p.path) for p in planned]
        theirs = otter_loop.run_all(otter, zip_path, notebooks, work / "otter", args.otter_parallel,
                                    args.otter_timeout, progress)
        raw["otter"] = dataclasses.asdict(theirs)
        lines += [""] + report.otter_section(theirs, mine, load)
        ratio = report.per_minute(len(mine.graded), mine.wall) / report.per_minute(len(theirs.graded), theirs.wall)
        lines.append(f"  ratio: ours {report.per_minute(len(mine.graded), mine.wall):.1f} / Otter "
                     f"{report.per_minute(len(theirs.graded), theirs.wall):.1f} submissions/min = {ratio:.2f}x")
        lines += report.ceiling_lines(mine, theirs)
        log(f"our side again after Otter's run: the same {args.n} notebooks")
        mine_after = ours.grade(cli, COMPARED, subs, work / "ours" / f"{COMPARED}-after", args.workers, ROOT)
        raw["ours_after"] = dataclasses.asdict(mine_after)
        lines += report.drift_lines(mine, mine_after, theirs)
    lines += [""] + report.by_variant({p.key: p.variant for p in planned}, mine, theirs)
    found: list[report.Target] = []
    big = None
    gen = lambda name, dest: corpus.generate(ROOT, name, args.big // len(ASSIGNMENTS), args.seed, dest,  # noqa: E731
                                             args.wrong, args.timeouts, args.framework)
    load_now = lambda: uptime().split("load average: ")[-1]  # noqa: E731
    per = args.big // len(ASSIGNMENTS)
    if not args.skip_big:
        section, big, big_results, big_subs = classes.big_and_regrade(cli, ROOT, work, list(ASSIGNMENTS), per,
                                                                      args.workers, gen, load_now, log)
        raw["big"] = section.raw
        lines += [""] + section.lines
        found += section.targets
    lines += [""] + profile_section(planned, work)
    if not args.skip_cluster and big is not None:
        cluster_lines, cluster_target, raw["cluster"] = cluster.run(
            cli, ROOT, work, list(ASSIGNMENTS), per, args.workers, big_subs,
            (big, {(n, g.key): g for n, gs in big_results.items() for g in gs}, raw["big"]["loads"][0]),
            uptime, log)
        lines += [""] + cluster_lines
        found.append(cluster_target)
    section = classes.numpy_startup(cli, ROOT, work, args.startup_n, args.workers, args.seed, load_now, log)
    raw["startup"] = section.raw
    lines += [""] + section.lines
    found += section.targets
    if not args.skip_new:
        per_new = max(3, per // 3)
        section = classes.new_assignments(
            cli, ROOT, work, list(NEWER), per_new, args.workers,
            lambda name, dest: corpus.generate(ROOT, name, per_new, args.seed, dest, args.wrong, args.timeouts,
                                               args.framework),
            load_now, log, big_results if big is not None else {})
        raw["newer"] = section.raw
        lines += [""] + section.lines
    load_end = uptime()
    found = report.targets(mine, theirs, mine_after) + found
    raw["targets"] = [dataclasses.asdict(t) for t in found]
    lines += ["", f"Load at end: {load_end}",
              "The machine may be shared: the load averages above say how busy it was.",
              ""] + report.target_lines(found)
    if args.quick or args.n != 100 or args.big != 300:
        lines.append(f"  (N={args.n}, big run {args.big}: not the targets' sizes (100 and 300))")
    text = "\n".join(lines)
    print(text)
    (RESULTS / "latest.txt").write_text(text + "\n")
    (RESULTS / "raw.json").write_text(json.dumps(raw, indent=1, default=str))
    log(f"report written to {RESULTS / 'latest.txt'}; work files in {work}")
    return 1 if args.strict and not all(t.passed for t in found) else 0


if __name__ == "__main__":
    sys.exit(main())
