"""Moodle grade CSVs, in one of two layouts, both with a grade and a feedback column.

``worksheet``: the assignment's offline grading worksheet (Assignment > View all submissions >
Grading action: Upload grading worksheet). Rows are keyed by ``Identifier`` ``Participant <id>``,
the participant id in the folder names of Moodle's "Download all submissions". Moodle reads the
columns ``Identifier``, ``Grade``, ``Last modified (grade)`` and ``Feedback comments``.

``gradebook``: the course gradebook's CSV import (Grades > Import > CSV file), keyed by
``Email address`` (or ``ID number``, the student's Moodle ID number, which Gradescope's SID usually
is); the tutor maps ``Grade`` to the assignment and ``Feedback`` to its feedback.

A participant id is not an ID number, so a student is exported only in a layout that can identify
them; ``auto`` chooses ``worksheet`` when any student comes from a Moodle download. The grade is the
late-adjusted total of the automatic questions and the written questions marked so far; the feedback
names any written question not marked yet and carries the tutors' comments.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Literal

from autograder.exports.source import ExportData
from autograder.exports.summary import scaled, summary_line
from autograder.exports.table import Table, listing, points
from autograder.gradebook.model import GradedSubmission

Layout = Literal["auto", "worksheet", "gradebook"]
WORKSHEET = ["Identifier", "Full name", "Email address", "Grade", "Maximum Grade", "Last modified (grade)",
             "Feedback comments"]
GRADEBOOK = ["Email address", "ID number", "Full name", "Grade", "Feedback"]
PARTICIPANT = "Participant "


def choose_layout(data: ExportData, layout: Layout) -> Literal["worksheet", "gradebook"]:
    if layout != "auto":
        return layout
    return "worksheet" if any(g.student.source == "moodle" for g in data.graded) else "gradebook"


def identifiable(g: GradedSubmission, layout: str) -> bool:
    s = g.student
    return s.source == "moodle" and bool(s.lms_id) if layout == "worksheet" else bool(s.email or s.sis_id)


def moodle_table(data: ExportData, layout: Layout = "auto", out_of: float | None = None,
                 modified: datetime | None = None) -> Table:
    """The rows Moodle can match; ``modified`` (default now) goes in the worksheet's ``Last modified (grade)``
    so the upload replaces grades set before the export."""
    chosen = choose_layout(data, layout)
    possible = out_of if out_of is not None else data.max_total
    stamp = (modified or datetime.now(UTC)).isoformat(timespec="seconds")
    table = Table(WORKSHEET if chosen == "worksheet" else GRADEBOOK)
    skipped = []
    for g in data.graded:
        if not identifiable(g, chosen):
            skipped.append(g.student.key)
            continue
        c = data.combined(g)
        s, grade, feedback = g.student, points(scaled(c.final, data.max_total, out_of)), summary_line(g, c)
        if chosen == "worksheet":
            table.rows.append([PARTICIPANT + s.lms_id, s.name, s.email, grade, points(possible), stamp, feedback])
        else:
            table.rows.append([s.email, s.sis_id, s.name, grade, feedback])
    if skipped:
        why = "not from a Moodle download (no participant id)" if chosen == "worksheet" else "no email or ID number"
        table.notes.append(f"{chosen} layout: {len(skipped)} student(s) left out, {why}: {listing(skipped)}")
    return table
