"""Read a submission file into the code cells the sandbox will run, or a clear reason why not.

Notebooks are parsed as plain JSON here (in the grader: parsing text runs no student code);
IPython syntax (``%magic``, ``!shell``) is rewritten by IPython's own transformer into calls the
child ignores. A ``.py`` file is split into top-level statements, so one broken statement costs
only what it defines.
"""

from __future__ import annotations

import ast
import io
import json
import re
import zipfile
import zlib
from dataclasses import dataclass, field
from pathlib import Path

MAX_SUBMISSION_BYTES = 40 * 1024 * 1024
SUFFIXES = (".ipynb", ".py", ".zip")


@dataclass
class Submission:
    """A submission ready to run: its cells and any problems found while reading it."""

    path: Path
    filename: str
    source: bytes
    cells: list[str]
    warnings: list[str] = field(default_factory=list)

    @property
    def stem(self) -> str:
        return self.path.stem


class LoadError(Exception):
    """The submission cannot be run at all; the message is meant for the student."""


def load_submission(path: Path) -> Submission:
    """Read ``path`` (.ipynb, .py, or a .zip holding one notebook) into a Submission."""
    try:
        size = path.stat().st_size
    except OSError as exc:
        raise LoadError(f"the file could not be read ({exc.strerror})") from exc
    if size > MAX_SUBMISSION_BYTES:
        raise LoadError(f"the file is {size / 1024**2:.0f} MB; the limit is {MAX_SUBMISSION_BYTES // 1024**2} MB "
                        "(clear the notebook's outputs and submit again)")
    data = path.read_bytes()
    if not data.strip():
        raise LoadError("the file is empty")
    suffix = path.suffix.lower()
    if suffix == ".zip":
        return _from_zip(path, data)
    if suffix == ".py":
        text, warnings = _decode(data)
        return Submission(path, path.name, data, split_script(text), warnings)
    cells, warnings = notebook_cells(data)
    return Submission(path, path.name, data, cells, warnings)


def _from_zip(path: Path, data: bytes) -> Submission:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            names = [n for n in zf.namelist() if n.endswith(".ipynb") and "__MACOSX" not in n
                     and ".ipynb_checkpoints" not in n]
            if len(names) != 1:
                raise LoadError(f"the zip file should hold exactly one notebook; it holds {len(names)}")
            info = zf.getinfo(names[0])
            if info.file_size > MAX_SUBMISSION_BYTES:
                raise LoadError("the notebook inside the zip file is too large")
            inner = zf.read(names[0])
    except RuntimeError as exc:  # zipfile: "File ... is encrypted, password required for extraction"
        raise LoadError("the zip file is encrypted; submit it without a password") from exc
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, EOFError, ValueError, NotImplementedError,
            zlib.error) as exc:
        raise LoadError("the file is not a valid zip archive") from exc
    cells, warnings = notebook_cells(inner)
    return Submission(path, Path(names[0]).name, inner, cells, warnings)


def _decode(data: bytes) -> tuple[str, list[str]]:
    try:
        return data.decode("utf-8-sig"), []
    except UnicodeDecodeError as exc:
        return data.decode("utf-8", errors="replace"), [
            f"the file is not valid UTF-8 (byte {exc.start}); undecodable bytes were replaced"]


def notebook_cells(data: bytes) -> tuple[list[str], list[str]]:
    """The code cells of a notebook (nbformat 3 or 4), with IPython syntax made plain Python."""
    text, warnings = _decode(data)
    if b"\x00" in data[:4096]:
        raise LoadError("the file is binary data, not a Jupyter notebook")
    try:
        nb = json.loads(text)
    except RecursionError as exc:
        raise LoadError("the notebook's JSON is nested too deeply to read") from exc
    except ValueError as exc:
        raise LoadError(f"the file is not valid notebook JSON ({exc}); was it saved correctly?") from exc
    if not isinstance(nb, dict):
        raise LoadError("the file is JSON but not a Jupyter notebook (no 'cells')")
    raw_cells = _raw_cells(nb)
    cells = []
    for cell in raw_cells:
        if not isinstance(cell, dict) or cell.get("cell_type") != "code":
            continue
        tags = (cell.get("metadata") or {}).get("tags") or [] if isinstance(cell.get("metadata"), dict) else []
        if isinstance(tags, list) and "otter_ignore" in tags:
            continue
        source = cell.get("source", cell.get("input", ""))
        if isinstance(source, list):
            source = "".join(s for s in source if isinstance(s, str))
        if not isinstance(source, str):
            warnings.append("a code cell with unreadable source was skipped")
            continue
        cells.append(transform_ipython(source))
    if not cells:
        warnings.append("the notebook has no code cells")
    return cells, warnings


def _raw_cells(nb: dict) -> list:
    if isinstance(nb.get("cells"), list):
        return nb["cells"]
    worksheets = nb.get("worksheets")
    if isinstance(worksheets, list):  # nbformat 3
        return [c for ws in worksheets if isinstance(ws, dict) and isinstance(ws.get("cells"), list)
                for c in ws["cells"] if isinstance(c, dict)]
    raise LoadError("the file is JSON but not a Jupyter notebook (no 'cells')")


_MAGIC_LINE = re.compile(r"^\s*[%!]")


def transform_ipython(source: str) -> str:
    """Rewrite IPython-only syntax (``%matplotlib``, ``!pip``, ``%%time``) into plain Python."""
    if not any(_MAGIC_LINE.match(line) for line in source.splitlines()) and "?" not in source:
        return source
    from IPython.core.inputtransformer2 import TransformerManager

    try:
        return TransformerManager().transform_cell(source)
    except Exception:  # noqa: BLE001 - leave the cell as written; the child reports any SyntaxError
        return source


def split_script(text: str) -> list[str]:
    """Split a script into runnable chunks: top-level statements, or best-effort blocks if it has a SyntaxError."""
    try:
        tree = ast.parse(text)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return _blocks(text)
    lines = text.splitlines(True)
    chunks = []
    for node in tree.body:
        start = min([node.lineno, *(d.lineno for d in getattr(node, "decorator_list", []))]) - 1
        chunks.append("\n" * start + "".join(lines[start:node.end_lineno]))
    return chunks or [text]


def _blocks(text: str) -> list[str]:
    """Cut at unindented lines that start a definition or import, keeping line numbers."""
    lines = text.splitlines(True)
    starts = [i for i, line in enumerate(lines)
              if re.match(r"(def |class |import |from |@|async def )", line)]
    if not starts or starts[0] != 0:
        starts = [0, *starts]
    bounds = [*starts, len(lines)]
    return ["\n" * a + "".join(lines[a:b]) for a, b in zip(bounds, bounds[1:]) if a < b]
