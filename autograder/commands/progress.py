"""What ``autograder grade`` prints while it runs.

On a terminal: a progress bar with ETA and running counts (graded, failed to run, timed out),
with each submission's line printed above it. Anywhere else (a log, a pipe): the same lines and
no bar. Either way the run ends with one summary line.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass
from typing import TextIO

from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TaskID,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)
from rich.text import Text

from autograder.gradebook.deltas import ScoreDelta
from autograder.grading.events import BatchReport, Plan, Reported, RunListener


@dataclass
class Counts:
    graded: int = 0
    failed: int = 0
    timed_out: int = 0

    def __str__(self) -> str:
        return f"graded {self.graded}, failed to run {self.failed}, timed out {self.timed_out}"


class GradeDisplay(RunListener):
    """A listener of ``grade_batch`` that prints lines and drives the bar."""

    def __init__(self, stream: TextIO | None = None, live: bool | None = None) -> None:
        self.stream = stream or sys.stdout
        self.console = Console(file=self.stream, highlight=False, soft_wrap=True)
        self.live = self.console.is_terminal if live is None else live
        self.counts = Counts()
        self._progress: Progress | None = None
        self._tasks: dict[str, TaskID] = {}  # one bar per assignment of the run

    def score_changed(self, delta: ScoreDelta) -> None:
        if delta.changed:
            self.line(f"  regrade {delta.describe()}")

    def grader_problem(self, message: str) -> None:
        print(f"grader worker failed:\n{message}", file=sys.stderr, flush=True)

    def finished(self, report: BatchReport) -> None:
        self._tasks.pop(report.assignment, None)
        if not self._tasks:
            self.close()
        for warning in report.warnings:
            print(f"warning: {warning}", file=sys.stderr, flush=True)
        for path in report.outputs:
            self.line(f"tutor report: {path}; feedback: {report.out_dir}/<student>/feedback.md, feedback.html")

    def line(self, text: str) -> None:
        if self._progress is not None:
            self._progress.console.print(Text(text))
        else:
            print(text, file=self.stream, flush=True)

    def planned(self, plan: Plan) -> None:
        for s in plan.superseded:
            self.line(f"  {s.newer.key}: a later submission counts: {s.newer.describe()} replaces "
                      f"{s.older.describe()}")
        for note in plan.notes:
            self.line(f"  note: {note}")
        unchanged = f"; {plan.reused} reused (same content already graded)" if plan.reused else ""
        verb = "regrading" if plan.regrade else "grading"
        self.line(f"{verb} {plan.to_grade} of {plan.submissions} submission(s) of {plan.assignment}{unchanged}")
        if self.live and plan.to_grade:
            if self._progress is None:
                self._progress = Progress(TextColumn("{task.description}"), BarColumn(bar_width=24),
                                          MofNCompleteColumn(), TimeElapsedColumn(), TextColumn("eta"),
                                          TimeRemainingColumn(), TextColumn("{task.fields[counts]}"),
                                          console=self.console, transient=True)
                self._progress.start()
            self._tasks[plan.assignment] = self._progress.add_task(plan.assignment, total=plan.to_grade,
                                                                   counts=str(self.counts))

    def graded(self, item: Reported) -> None:
        r = item.result
        failed, timed_out = r.error is not None, bool(r.failures("timeout"))
        self.counts.failed += failed
        self.counts.timed_out += timed_out
        if item.reused and not item.same_as:
            return
        flags = "".join(f" ({why})" for why, on in (("could not run", failed), ("timed out", timed_out),
                                                   ("grader failure; will be retried", item.lost),
                                                   (f"same file as {item.same_as}", item.same_as),
                                                   (f"graded again: {', '.join(item.regraded)}; the rest reused",
                                                    item.regraded)) if on)
        self.line(f"  {r.submission}: {r.total:g}/{r.max_total:g}{flags}")
        if item.reused:
            return
        self.counts.graded += 1
        task = self._tasks.get(r.assignment)
        if self._progress is not None and task is not None:
            self._progress.update(task, advance=1, counts=str(self.counts))

    def close(self) -> None:
        if self._progress is not None:
            self._progress.stop()
            self._progress = None

    def summary(self, report: BatchReport) -> None:
        """The run's one-line summary."""
        self.close()
        parts = [f"{report.assignment}: {len(report.results)} submission(s): {report.graded} graded, "
                 f"{report.reused} reused (same content already graded)",
                 f"{report.failed} could not run, {report.timed_out} timed out"]
        if report.superseded:
            keys = sorted({s.newer.key for s in report.superseded})
            parts.append(f"{len(report.superseded)} older submission(s) superseded ({', '.join(keys)})")
        if report.deltas:
            seen = [d for d in report.deltas if not d.first]
            ups = sum(d.direction == "up" for d in seen)
            downs = sum(d.direction == "down" for d in seen)
            first = len(report.deltas) - len(seen)
            parts.append(f"regrade: {ups} up, {downs} down, {len(seen) - ups - downs} same"
                         + (f", {first} graded for the first time" if first else ""))
        parts.append(f"results in {report.out_dir}/ (grades.csv, <student>/results.json), "
                     f"gradebook {report.gradebook}")
        print("; ".join(parts), file=self.stream, flush=True)
