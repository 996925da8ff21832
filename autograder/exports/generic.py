"""A plain scores CSV: one row per student, one column per question, the total, then lateness and the
late-adjusted total.

With written questions, each has a column after the automatic ones (empty while not marked: never 0),
``total``, ``max_total`` and ``final_total`` count the automatic questions and the written ones marked
so far, and a last column ``not_marked`` names the written questions not marked yet.
"""

from __future__ import annotations

from autograder.exports.source import ExportData
from autograder.exports.table import Table, points

IDENTITY = ["student", "name", "email", "lms_id", "sis_id", "source"]
TAIL = ["total", "max_total", "submitted_at", "late", "days_late", "penalty", "final_total", "error"]


def scores_table(data: ExportData) -> Table:
    written = list(data.spec.written)
    table = Table(IDENTITY + data.questions + written + TAIL + (["not_marked"] if written else []))
    for g in data.graded:
        s, r, c = g.student, g.result, data.combined(g)
        scores = {q.name: q.score for q in r.questions}
        marks = {w.name: "" if w.points is None else points(w.points, 4) for w in c.written}
        table.rows.append([
            s.key, s.name, s.email, s.lms_id, s.sis_id, s.source,
            *(points(scores.get(q, 0.0), 4) for q in data.questions), *(marks[q] for q in written),
            points(c.total, 4), points(c.max_total, 4),
            g.submitted_at.isoformat() if g.submitted_at else "", "yes" if g.late else "no",
            points(g.days_late, 2), points(g.penalty, 4), points(c.final, 4), r.error or "",
            *([" ".join(c.missing)] if written else [])])
    return table
