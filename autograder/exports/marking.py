"""Reading a tutor's marking CSV back (``autograder import marks``): all of it, or none of it.

The file is the one ``export answers`` wrote (``student, question, points, comment``; ``question`` may be
left out when the assignment has one written question, or when it is given on the command line), saved by
any spreadsheet as CSV (UTF-8, with or without a byte order mark; comma or semicolon separated). Every
row is checked before anything is stored, and every problem is reported with its line: an unknown
student or question, points that are not a number or outside ``[0, max]``, a comment without points, a
second row for the same student and question, a row with more cells than the header, a malformed line.
A row with no points is not marked yet and leaves an earlier mark as it was. Marks are kept as the
decimals written (``1.5``, never 1.4999...). Importing again replaces the marks it names and says what
changed; who imported the file and when is kept with each mark.
"""

from __future__ import annotations

import csv
import getpass
import hashlib
import io
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path

from autograder.exports.source import ExportData
from autograder.gradebook.marks import Mark, MarkChange, apply_import, plan_import
from autograder.gradebook.store import Gradebook

REQUIRED = ("student", "points", "comment")
KNOWN = ("student", "question", "points", "comment")


class MarkingError(Exception):
    """The marking file is refused, whole; ``problems`` name their lines."""

    def __init__(self, path: Path, problems: list[str]) -> None:
        self.problems = problems
        super().__init__(f"{path} refused, nothing stored:\n" + "\n".join(f"  {p}" for p in problems))


@dataclass(frozen=True)
class MarkRow:
    line: int
    student: str
    question: str
    points: Decimal
    comment: str


@dataclass
class MarkingFile:
    rows: list[MarkRow] = field(default_factory=list)
    blank: list[int] = field(default_factory=list)  # lines of rows without points (not marked yet)


def parse_points(text: str, maximum: float) -> tuple[Decimal | None, str]:
    """The points in ``text`` and "" , or None and what is wrong."""
    try:
        value = Decimal(text)
    except InvalidOperation:
        hint = " (use a point, not a comma, for decimals)" if "," in text else ""
        return None, f"points {text!r} are not a number{hint}"
    if not value.is_finite():
        return None, f"points {text!r} are not a number"
    if value < 0 or value > Decimal(str(maximum)):
        return None, f"points {text} outside [0, {Decimal(str(maximum)).normalize():f}]"
    return value, ""


def read_marking_file(path: Path, data: ExportData, question: str | None = None) -> MarkingFile:
    """Every row of the marking file at ``path``, checked against ``data``; raises ``MarkingError``."""
    try:
        text = path.read_bytes().decode("utf-8-sig")
    except OSError as exc:
        raise MarkingError(path, [f"cannot read the file: {exc.strerror or exc}"]) from exc
    except UnicodeDecodeError as exc:
        raise MarkingError(path, [f"the file is not UTF-8 (byte {exc.start}): save it as CSV UTF-8"]) from exc
    written = data.spec.written
    if not written:
        raise MarkingError(path, [f"{data.assignment} has no written questions (written: in grading_config.yaml)"])
    if question is not None and question not in written:
        raise MarkingError(path, [f"unknown written question {question!r}; {data.assignment} has: "
                                  f"{', '.join(written)}"])
    first = text.split("\n", 1)[0]
    delimiter = ";" if ";" in first and "," not in first else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    problems: list[str] = []
    try:
        header = [h.strip().casefold() for h in next(reader, [])]
    except csv.Error as exc:
        raise MarkingError(path, [f"line 1: malformed CSV ({exc})"]) from exc
    unknown = [h for h in header if h not in KNOWN]
    missing = [h for h in REQUIRED if h not in header]
    if missing or unknown or len(set(header)) != len(header):
        raise MarkingError(path, [f"line 1: the header must be {', '.join(KNOWN)} (question may be left out); "
                                  f"found {', '.join(header) or 'nothing'}"])
    if "question" not in header and question is None:
        if len(written) > 1:
            raise MarkingError(path, [f"line 1: no question column: give --question (one of {', '.join(written)})"])
        question = next(iter(written))
    students = {g.student.key for g in data.graded}
    seen: dict[tuple[str, str], int] = {}
    out = MarkingFile()
    while True:
        start = reader.line_num + 1
        try:
            row = next(reader)
        except StopIteration:
            break
        except csv.Error as exc:
            problems.append(f"line {start}: malformed CSV ({exc})")
            break
        line = start
        if not any(cell.strip() for cell in row):
            continue
        if len(row) > len(header) and any(cell.strip() for cell in row[len(header):]):
            problems.append(f"line {line}: {len(row)} cells, the header has {len(header)}")
            continue
        cells = dict(zip(header, [c.strip() for c in row] + [""] * (len(header) - len(row))))
        student, q = cells["student"], cells.get("question") or question or ""
        found = _check_row(line, student, q, cells, students, data)
        if isinstance(found, str):
            problems.append(found)
            continue
        if (student, q) in seen:
            problems.append(f"line {line}: a second row for {student} and {q} "
                            f"(the first is on line {seen[student, q]})")
            continue
        seen[student, q] = line
        if found is None:
            out.blank.append(line)
        else:
            out.rows.append(MarkRow(line, student, q, found, cells["comment"]))
    if problems:
        raise MarkingError(path, problems)
    if not out.rows and not out.blank:
        raise MarkingError(path, ["the file has no rows under its header"])
    return out


def _check_row(line: int, student: str, question: str, cells: dict[str, str], students: set[str],
               data: ExportData) -> Decimal | None | str:
    """The row's points (None: not marked), or a problem naming the line."""
    if not student:
        return f"line {line}: no student"
    if student not in students:
        return f"line {line}: unknown student {student!r} (no graded submission of {data.assignment} in the gradebook)"
    if question not in data.spec.written:
        return f"line {line}: unknown written question {question!r} (one of {', '.join(data.spec.written)})"
    if not cells["points"]:
        return f"line {line}: a comment but no points" if cells["comment"] else None
    value, problem = parse_points(cells["points"], data.spec.written[question].points)
    return f"line {line}: {problem}" if value is None else value


@dataclass(frozen=True)
class MarkImport:
    changes: list[MarkChange]
    blank: list[int]
    by: str
    import_id: int | None  # None: a dry run, nothing stored

    def count(self, kind: str) -> int:
        return sum(c.kind == kind for c in self.changes)


def import_marks(data: ExportData, path: Path, question: str | None = None, by: str | None = None,
                 dry_run: bool = False) -> MarkImport:
    """Check the whole file, then store its marks in one transaction (``MarkingError``: nothing stored)."""
    parsed = read_marking_file(path, data, question)
    who = by or getpass.getuser()
    current = {g.student.key: g.sha256 for g in data.graded}
    rows = [(r.student, Mark(r.question, r.points, r.comment, current[r.student])) for r in parsed.rows]
    with Gradebook(data.gradebook) as book:
        changes = plan_import(book, data.assignment, rows)
        import_id = None if dry_run else apply_import(
            book, data.assignment, changes, str(path.resolve()), hashlib.sha256(path.read_bytes()).hexdigest(), who)
    return MarkImport(changes, parsed.blank, who, import_id)
