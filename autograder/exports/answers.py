"""``autograder export answers``: for each written question, ``OUT/answers/<question>.html`` (every
student's answer, the rubric, the marks so far) and ``OUT/answers/<question>_marks.csv`` to fill in.

The page is self-contained (inline CSS, no script, no external request). Answers are Markdown written
by students, rendered by markdown-it-py with raw HTML off (it is shown as text), images off (they would
load from anywhere) and markdown-it's link check (no ``javascript:`` links); code is shown as code.

The marking CSV has the columns ``student, question, points, comment``, one row per graded student,
pre-filled with the marks already imported; ``autograder import marks`` reads it back. An existing CSV
is never overwritten (it may hold marks not imported yet) unless asked to.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from markdown_it import MarkdownIt
from markupsafe import Markup

from autograder.config import AssignmentPaths
from autograder.exports.source import ExportData
from autograder.exports.table import Table, write_table, write_text
from autograder.exports.templating import render
from autograder.gradebook.marks import Mark, stored_texts
from autograder.gradebook.store import Gradebook
from autograder.submission.answers import Answer, Cell, find_answer, read_text

DIR = "answers"
COLUMNS = ["student", "question", "points", "comment"]
NOT_READ = ("not read when it was graded (graded before answers were kept): run the grade command again, "
            "it reuses the results and reads the answers")


def markdown(text: str) -> Markup:
    """Student Markdown as safe HTML: raw HTML escaped, no images, unsafe links refused."""
    return Markup(MarkdownIt("commonmark", {"html": False}).disable("image").render(text))  # noqa: S704


@dataclass(frozen=True)
class ShownAnswer:
    student: str
    name: str
    parts: list[tuple[str, str | Markup]]  # ("markdown", html) or ("code", text)
    problem: str  # why there is nothing to show ("" when there is an answer)
    found: str  # tag, heading
    mark: Mark | None
    earlier: bool = False  # the mark is of an earlier submission: the student submitted again since


@dataclass(frozen=True)
class AnswersPage:
    assignment: str
    title: str
    question: str
    question_title: str
    max_points: float
    rubric: Markup
    answers: list[ShownAnswer]
    csv_name: str

    @property
    def answered(self) -> int:
        return sum(not a.problem for a in self.answers)

    @property
    def marked(self) -> int:
        return sum(a.mark is not None for a in self.answers)


def starter_cells(data: ExportData) -> list[Cell] | None:
    if data.root is None:
        return None
    notebook = AssignmentPaths(name=data.assignment, root=data.root).notebook
    return read_text(notebook).cells if notebook.is_file() else None


def _shown(answer: Answer) -> list[tuple[str, str | Markup]]:
    return [("code", c.source.strip("\n")) if c.kind == "code" else ("markdown", markdown(c.source))
            for c in answer.cells]


def pages(data: ExportData) -> list[AnswersPage]:
    """One page per written question of the assignment."""
    with Gradebook(data.gradebook) as book:
        texts = stored_texts(book, data.assignment)
    starter = starter_cells(data)
    out = []
    for q, spec in data.spec.written.items():
        shown = []
        for g in data.graded:
            text = texts.get(g.sha256)
            mark = data.marks.get(g.student.key, {}).get(q)
            earlier = mark is not None and bool(mark.sha256) and mark.sha256 != g.sha256
            if text is None or text.error:
                why = NOT_READ if text is None else f"the file could not be read: {text.error}"
                shown.append(ShownAnswer(g.student.key, g.student.name, [], why, "", mark, earlier))
                continue
            answer = find_answer(text.cells, q, spec.title, starter)
            problem = ("" if not answer.empty else "no answer: the notebook has no cell for this question"
                       if not answer.found else "no answer (the cell is empty or as handed out)")
            shown.append(ShownAnswer(g.student.key, g.student.name, _shown(answer), problem, answer.found, mark,
                                     earlier))
        out.append(AnswersPage(data.assignment, data.spec.title, q, spec.title, spec.points, markdown(spec.rubric),
                               shown, f"{q}_marks.csv"))
    return out


def decimal_text(value: Decimal) -> str:
    """A decimal as written, without trailing zeros or an exponent (``1.50`` -> ``1.5``, ``10`` -> ``10``)."""
    return format(value.normalize(), "f")


def marking_table(page: AnswersPage) -> Table:
    table = Table(list(COLUMNS))
    for a in page.answers:
        table.rows.append([a.student, page.question, "" if a.mark is None else decimal_text(a.mark.points),
                           "" if a.mark is None else a.mark.comment])
    return table


def write_answers(data: ExportData, out_dir: Path, force: bool = False) -> tuple[list[Path], list[str]]:
    """Write every written question's page and marking CSV; returns the paths written and notes."""
    folder = out_dir / DIR
    folder.mkdir(parents=True, exist_ok=True)
    written, notes = [], []
    for page in pages(data):
        html = folder / f"{page.question}.html"
        write_text(html, render("answers.html.j2", p=page))
        written.append(html)
        csv = folder / page.csv_name
        if csv.exists() and not force:
            notes.append(f"kept {csv}: it exists and may hold marks not imported yet (import it, then export "
                         f"again; or give --force to write it again with the imported marks)")
        else:
            write_table(marking_table(page), csv)
            written.append(csv)
        missing = len(page.answers) - page.answered
        notes.append(f"{page.question}: {page.answered} answer(s), {missing} without one, {page.marked} marked")
    return written, notes
