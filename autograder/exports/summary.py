"""One line per student saying how the score was made: total, per-question scores (automatic and written),
the tutors' comments, late penalty."""

from __future__ import annotations

from autograder.exports.table import points
from autograder.exports.written import NOT_MARKED, Combined, one_line
from autograder.gradebook.model import GradedSubmission


def days_phrase(days: float) -> str:
    return f"{days:.1f} day{'' if round(days, 1) == 1 else 's'}"


def summary_line(g: GradedSubmission, c: Combined | None = None) -> str:
    """E.g. ``Total 4.56/9 (gram_matrix 0.33/4, style_loss 3/3, content_loss 1.22/2); 1.5 days late:
    -20%, final 3.64/9``. With written questions (``c``), each is listed with its mark or as not marked
    yet (the total is then "so far"), followed by the tutors' comments."""
    r = g.result
    c = c or Combined(r.total, r.max_total, (), g.penalty)
    parts = [f"{q.name} {points(q.score)}/{points(q.max_score)}" for q in r.questions]
    parts += [f"{w.name} {points(w.points)}/{points(w.max_points)}" if w.points is not None
              else f"{w.name} {NOT_MARKED}" for w in c.written]
    so_far = " so far" if c.missing else ""
    line = f"Total{so_far} {points(c.total)}/{points(c.max_total)} ({', '.join(parts)})"
    if r.error:
        line += "; the notebook could not be run"
    if g.penalty > 0:
        line += f"; {days_phrase(g.days_late)} late: -{points(g.penalty * 100, 1)}%, final " \
                f"{points(c.final)}/{points(c.max_total)}"
    elif g.late:
        line += "; submitted late (no penalty)"
    for name, comment in c.comments:
        line += f"; tutor on {name}: {one_line(comment)}"
    return line


def scaled(score: float, max_total: float, out_of: float | None) -> float:
    """``score`` out of ``max_total`` expressed out of ``out_of`` (unchanged when None)."""
    if out_of is None or not max_total:
        return score
    return score * out_of / max_total
