"""Canvas gradebook import CSV (Grades > Import).

Columns ``Student, ID, SIS User ID, SIS Login ID, Section`` and one assignment column; the first
row after the header is ``Points Possible``. Canvas matches a row to a student by ``ID`` (the Canvas
user id, which its submission downloads carry), then by the SIS ids. The assignment column is
matched to a Canvas assignment by name, or by id when the header ends in ``(<assignment id>)``;
a column matching neither creates a new assignment. The score is the late-adjusted total of the
automatic questions and the written questions marked so far (``exports.written``), optionally rescaled
to the Canvas assignment's points; students with a written question not marked yet are named in a note.
"""

from __future__ import annotations

from autograder.exports.source import ExportData
from autograder.exports.summary import scaled
from autograder.exports.table import Table, listing, points
from autograder.gradebook.model import StudentIdentity

IDENTITY = ["Student", "ID", "SIS User ID", "SIS Login ID", "Section"]
POINTS_ROW = "Points Possible"


def column_name(title: str, canvas_id: str | None = None) -> str:
    return f"{title} ({canvas_id})" if canvas_id else title


def identity_cells(s: StudentIdentity) -> list[str]:
    """The five identity cells; ids another LMS gave are never passed off as Canvas ids."""
    canvas = s.source == "canvas"
    return [s.name or s.login or s.key, s.lms_id if canvas else "", s.sis_id, "" if canvas else s.login, s.section]


def canvas_table(data: ExportData, title: str | None = None, canvas_id: str | None = None,
                 out_of: float | None = None) -> Table:
    possible = out_of if out_of is not None else data.max_total
    table = Table(IDENTITY + [column_name(title or data.spec.title, canvas_id)],
                  [[POINTS_ROW, "", "", "", "", points(possible)]])
    unmatched, unmarked = [], []
    for g in sorted(data.graded, key=lambda g: (identity_cells(g.student)[0].casefold(), g.student.key)):
        cells, c = identity_cells(g.student), data.combined(g)
        table.rows.append(cells + [points(scaled(c.final, data.max_total, out_of))])
        if not any(cells[1:4]):
            unmatched.append(g.student.key)
        if c.missing:
            unmarked.append(f"{g.student.key} ({', '.join(c.missing)})")
    if unmatched:
        table.notes.append(f"{len(unmatched)} student(s) have no Canvas or SIS id (not from a Canvas download): "
                           f"{listing(unmatched)}; Canvas will ask who they are, or skip them")
    if unmarked:
        table.notes.append(f"{len(unmarked)} student(s) have written questions not marked yet, scored without "
                           f"them (the automatic part plus what is marked): {listing(unmarked)}")
    return table
