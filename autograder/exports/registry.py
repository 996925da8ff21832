"""The export formats: the one registry ``autograder export FORMAT`` reads.

Each ``Exporter`` names its format, says what it writes, declares its own command-line options and
writes from an ``ExportData`` (one assignment's graded submissions read from the gradebook).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from autograder.exports.answers import DIR as ANSWERS_DIR
from autograder.exports.answers import write_answers
from autograder.exports.canvas import canvas_table
from autograder.exports.feedback import write_feedback
from autograder.exports.generic import scores_table
from autograder.exports.moodle import moodle_table
from autograder.exports.report import REPORT_NAME, write_report
from autograder.exports.source import ExportData
from autograder.exports.table import Table, write_table


@dataclass(frozen=True)
class Option:
    """A command-line option of one format: argparse's flags and keyword arguments."""

    flags: tuple[str, ...]
    kwargs: dict[str, Any]

    @property
    def dest(self) -> str:
        """The option's name in the parsed arguments (``--canvas-id`` -> ``canvas_id``)."""
        return self.flags[0].lstrip("-").replace("-", "_")


@dataclass(frozen=True)
class Exported:
    """What an export wrote: a one-line summary for the terminal and notes worth reading."""

    summary: str
    notes: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class Exporter:
    name: str
    help: str
    write: Callable[[ExportData, Path, Path | None, dict[str, Any]], Exported]  # data, out dir, -o, options
    options: tuple[Option, ...] = ()
    output_help: str | None = "file to write (default in OUT; '-' for standard output)"


def _csv(suffix: str, build: Callable[[ExportData, dict[str, Any]], Table], header_rows: int = 0) -> Callable:
    def write(data: ExportData, out_dir: Path, output: Path | None, options: dict[str, Any]) -> Exported:
        table = build(data, options)
        target = None if str(output) == "-" else output or out_dir / f"{data.assignment}_{suffix}.csv"
        write_table(table, target)
        rows = len(table.rows) - header_rows
        return Exported(f"{rows} student(s) of {data.assignment} -> {target or 'standard output'}; "
                        f"{data.lateness_rule}", list(table.notes))
    return write


def _feedback(data: ExportData, out_dir: Path, output: Path | None, options: dict[str, Any]) -> Exported:
    for g in data.graded:
        write_feedback(g, data.spec, out_dir, options["show"], data.combined(g))
    return Exported(f"{len(data.graded)} student(s) -> {out_dir}/<student>/feedback.md, feedback.html "
                    f"(tests shown in full: {options['show']})")


def _report(data: ExportData, out_dir: Path, output: Path | None, options: dict[str, Any]) -> Exported:
    path = write_report(data, output or out_dir / REPORT_NAME)
    return Exported(f"{len(data.graded)} student(s) -> {path}")


def _answers(data: ExportData, out_dir: Path, output: Path | None, options: dict[str, Any]) -> Exported:
    if not data.spec.written:
        return Exported(f"{data.assignment} has no written questions (written: in grading_config.yaml): "
                        "nothing written")
    _, notes = write_answers(data, out_dir, options["force"])
    return Exported(f"{len(data.spec.written)} written question(s), {len(data.graded)} student(s) -> "
                    f"{out_dir / ANSWERS_DIR}/<question>.html and <question>_marks.csv", notes)


OUT_OF = Option(("--out-of",), {"type": float, "default": None,
                                "help": "rescale scores to this many points (the LMS assignment's maximum)"})

EXPORTERS: dict[str, Exporter] = {e.name: e for e in (
    Exporter("canvas", "Canvas gradebook import CSV (Student, ID, SIS User ID, SIS Login ID, Section, assignment)",
             _csv("canvas", lambda d, o: canvas_table(d, o["title"], o["canvas_id"], o["out_of"]), header_rows=1),
             (Option(("--title",), {"default": None, "help": "the assignment column: the Canvas assignment's exact "
                                                             "name (default: the config's title)"}),
              Option(("--canvas-id",), {"default": None, "help": "the Canvas assignment id, appended as 'title (id)' "
                                                                 "so Canvas matches by id"}), OUT_OF)),
    Exporter("moodle", "Moodle CSV: the assignment's grading worksheet, or the gradebook import (by email / ID number)",
             _csv("moodle", lambda d, o: moodle_table(d, o["layout"], o["out_of"])),
             (Option(("--layout",), {"choices": ("auto", "worksheet", "gradebook"), "default": "auto",
                                     "help": "worksheet: Participant ids from a Moodle download; gradebook: email / "
                                             "ID number; auto: worksheet when any student comes from a Moodle "
                                             "download"}), OUT_OF)),
    Exporter("csv", "plain CSV: one row per student, one column per question, totals and lateness",
             _csv("scores", lambda d, o: scores_table(d))),
    Exporter("feedback", "OUT/<student>/feedback.md and feedback.html, showing only what students may see",
             _feedback,
             (Option(("--show",), {"choices": ("visible", "after_due_date", "after_published", "all"),
                                   "default": "visible",
                                   "help": "tests shown in full: visible only (default: what students may see now); "
                                           "after the due date; once grades are published; all (hidden tests too: "
                                           "for staff)"}),),
             output_help=None),
    Exporter("report", "OUT/report.html for tutors: histograms, common failures, students grouped by failed tests",
             _report, output_help="file to write (default OUT/report.html)"),
    Exporter("answers", "OUT/answers/<question>.html: every student's written answer and the rubric, and a marking "
                        "CSV to fill in and import (autograder import marks)",
             _answers,
             (Option(("--force",), {"action": "store_true",
                                    "help": "write the marking CSVs again even if they exist (with the marks "
                                            "imported so far; edits not imported are lost)"}),),
             output_help=None),
)}
