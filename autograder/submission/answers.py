"""A submission's words and code as written, read from the notebook's JSON without running anything: the
cells (Markdown and code, tags kept, outputs dropped), each written question's answer, and the code.

An answer is found in one of two ways, in this order:

- ``tag``: the cells tagged ``answer:<question id>`` (the notebook as handed out tags the answer cell);
- ``heading``: students delete tags, so otherwise the cells after the first Markdown heading that names the
  question (its id, with ``_`` or spaces, or its title; case and punctuation ignored), up to the next
  heading of the same or a higher level.

An answer that is still the text the notebook was handed out with (``starter``) is no answer.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path

from autograder.submission.load import LoadError, load_submission

ANSWER_TAG = "answer:"
HEADING = re.compile(r"^ {0,3}(#{1,6})\s+(.*?)\s*#*\s*$")


@dataclass(frozen=True)
class Cell:
    """One notebook cell as written: ``kind`` is ``markdown``, ``code`` or ``raw``."""

    kind: str
    source: str
    tags: tuple[str, ...] = ()

    def as_json(self) -> dict:
        return {"kind": self.kind, "source": self.source, "tags": list(self.tags)}

    @classmethod
    def from_json(cls, d: dict) -> Cell:
        return cls(str(d["kind"]), str(d["source"]), tuple(str(t) for t in d.get("tags", ())))


@dataclass(frozen=True)
class SubmissionText:
    """A submission's cells, or why it could not be read (``error``, for the tutor)."""

    cells: list[Cell] = field(default_factory=list)
    error: str = ""

    @property
    def code(self) -> str:
        """Every code cell, in order: what the similarity check compares."""
        return "\n\n".join(c.source.rstrip() for c in self.cells if c.kind == "code" and c.source.strip()) + "\n"


@dataclass(frozen=True)
class Answer:
    """A written question's answer: its cells (Markdown, and code shown as code) and how it was found
    (``tag``, ``heading``, or ``""`` when the notebook has no place for it)."""

    question: str
    cells: list[Cell]
    found: str

    @property
    def text(self) -> str:
        return "\n\n".join(c.source.strip() for c in self.cells).strip()

    @property
    def empty(self) -> bool:
        return not self.text


def read_text(path: Path) -> SubmissionText:
    """The cells of a notebook (``.ipynb``, or a ``.zip`` holding one) or a script (one code cell)."""
    try:
        submission = load_submission(path)
    except LoadError as exc:
        return SubmissionText(error=str(exc))
    if Path(submission.filename).suffix.lower() == ".py":
        return SubmissionText([Cell("code", submission.source.decode("utf-8", errors="replace"))])
    try:
        return SubmissionText(notebook_cells(submission.source))
    except LoadError as exc:
        return SubmissionText(error=str(exc))


def notebook_cells(data: bytes) -> list[Cell]:
    """Every cell of a notebook's JSON (nbformat 3 or 4), outputs left out."""
    try:
        nb = json.loads(data.decode("utf-8-sig", errors="replace"))
    except (ValueError, RecursionError) as exc:
        raise LoadError("the file is not valid notebook JSON") from exc
    raw = nb.get("cells") if isinstance(nb, dict) else None
    if raw is None and isinstance(nb, dict) and isinstance(nb.get("worksheets"), list):
        raw = [c for ws in nb["worksheets"] if isinstance(ws, dict) for c in ws.get("cells") or []]
    if not isinstance(raw, list):
        raise LoadError("the file is JSON but not a Jupyter notebook (no 'cells')")
    cells = []
    for c in raw:
        if not isinstance(c, dict):
            continue
        source = c.get("source", c.get("input", ""))
        if isinstance(source, list):
            source = "".join(s for s in source if isinstance(s, str))
        metadata = c.get("metadata")
        tags = metadata.get("tags") if isinstance(metadata, dict) else None
        kind = str(c.get("cell_type")) if c.get("cell_type") in ("markdown", "code") else "raw"
        if c.get("cell_type") == "heading":  # nbformat 3
            level = c.get("level")
            kind, source = "markdown", "#" * (level if isinstance(level, int) and 1 <= level <= 6 else 1) + " " + \
                str(source)
        if isinstance(source, str):
            cells.append(Cell(kind, source, tuple(t for t in tags if isinstance(t, str)) if isinstance(tags, list)
                              else ()))
    return cells


def words(text: str) -> str:
    """``text`` lower-cased with every run of non-alphanumerics one space (``faster_style-Transfer`` ->
    ``faster style transfer``)."""
    return " ".join(re.sub(r"[^0-9a-z]+", " ", text.casefold()).split())


def headings(cell: Cell) -> list[tuple[int, str]]:
    """The Markdown headings of a cell: (level, text)."""
    if cell.kind != "markdown":
        return []
    out = []
    for line in cell.source.splitlines():
        m = HEADING.match(line)
        if m:
            out.append((len(m[1]), m[2]))
    return out


def find_answer(cells: list[Cell], question: str, title: str = "", starter: list[Cell] | None = None) -> Answer:
    """The answer to ``question`` in ``cells`` (see the module docstring)."""
    tagged = [c for c in cells if ANSWER_TAG + question in c.tags]
    answer = Answer(question, tagged, "tag") if tagged else _after_heading(cells, question, title)
    if starter is not None and answer.found:
        handed_out = find_answer(starter, question, title)
        if handed_out.text and words(handed_out.text) == words(answer.text):
            return Answer(question, [], answer.found)
    return Answer(question, [c for c in answer.cells if c.source.strip()], answer.found)


def _after_heading(cells: list[Cell], question: str, title: str) -> Answer:
    names = [words(question)] + ([words(title)] if words(title) else [])
    for name in names:
        for i, cell in enumerate(cells):
            level = next((lv for lv, text in headings(cell) if name in words(text)), None)
            if level is None:
                continue
            body = []
            for later in cells[i + 1:]:
                if any(lv <= level for lv, _ in headings(later)):
                    break
                body.append(later)
            return Answer(question, body, "heading")
    return Answer(question, [], "")
