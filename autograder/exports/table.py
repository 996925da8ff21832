"""A CSV file as rows of text, written atomically (or to standard output), and how numbers look in it."""

from __future__ import annotations

import csv
import io
import sys
from dataclasses import dataclass, field
from pathlib import Path

from autograder.atomic import write_atomic


@dataclass
class Table:
    """A header and rows of cells; ``notes`` are said to the tutor, not written to the file."""

    header: list[str]
    rows: list[list[str]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def text(self) -> str:
        buf = io.StringIO(newline="")
        writer = csv.writer(buf)
        writer.writerow(self.header)
        writer.writerows(self.rows)
        return buf.getvalue()


def write_table(table: Table, path: Path | None) -> None:
    """Write ``table`` as UTF-8 CSV to ``path``, or to standard output if None."""
    if path is None:
        sys.stdout.write(table.text())
        sys.stdout.flush()
        return
    write_text(path, table.text())


def write_text(path: Path, text: str) -> None:
    """Write UTF-8 ``text`` to ``path``: a regular file via a temporary file and a rename (no reader sees
    half of it); anything else that exists (``/dev/stdout``, a pipe) is written in place, never replaced."""
    if path.exists() and not path.is_file():
        with path.open("w", encoding="utf-8", newline="") as f:
            f.write(text)
        return
    write_atomic(path, text)


def points(x: float, places: int = 2) -> str:
    """``x`` with at most ``places`` decimals and no trailing zeros (``4.56``, ``9``, ``0.5``)."""
    text = f"{round(float(x), places):.{places}f}".rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def listing(keys: list[str], limit: int = 10) -> str:
    """``keys`` joined by commas, the first ``limit`` of them and how many more."""
    more = f" and {len(keys) - limit} more" if len(keys) > limit else ""
    return ", ".join(keys[:limit]) + more
