"""From the command line's SUBMISSION arguments to one submission per student.

Each argument is a file, a zip or a directory. A zip or directory is read as a Gradescope export
(``submission_metadata.yml``), a Moodle download (``..._assignsubmission_...`` names) or a Canvas
download (every file named ``login_[LATE_]user_submission_name``); otherwise a zip is one
student's submission and a directory is searched for files, zips and downloads. A plain file is
its own submission, keyed by its stem (``-2``, ``-3``... when stems repeat): nothing says two plain
files are the same student's. When an LMS download gives a student several submissions, the one
with the largest rank counts.
"""

from __future__ import annotations

import dataclasses
import zipfile
from datetime import datetime
from pathlib import Path, PurePosixPath

from autograder.gradebook.model import StudentIdentity
from autograder.lms import moodle
from autograder.lms.keys import file_key
from autograder.lms.model import Candidate, Collection, Superseded
from autograder.lms.readers import reader_for
from autograder.lms.tree import Entry, dir_entries, zip_entries
from autograder.submission.discover import SKIP_DIRS


def collect(args: list[Path]) -> Collection:
    """Read every argument; keep each student's latest submission."""
    found: list[Candidate] = []
    notes: list[str] = []
    for arg in args:
        if arg.is_dir():
            _scan_dir(arg, found, notes)
        elif arg.suffix.lower() == ".zip" and zipfile.is_zipfile(arg):
            _scan_zip(arg, found, notes)
        else:
            found.append(plain_candidate(arg))
    return choose(found, notes)


def _scan_dir(root: Path, found: list[Candidate], notes: list[str]) -> None:
    if moodle.student_of(root.name) is not None:
        found += moodle.candidates(dir_entries(root), folder_name=root.name)
        return
    entries = dir_entries(root)
    if _read_download(entries, found, notes):
        return
    for child in sorted(root.iterdir()):
        if child.name.startswith(".") or child.name in SKIP_DIRS:
            continue
        if child.is_dir():
            _scan_dir(child, found, notes)
        elif child.suffix.lower() == ".zip" and zipfile.is_zipfile(child):
            _scan_zip(child, found, notes)
        elif child.is_file() and Entry(PurePosixPath(child.name), 0, None).gradable:
            found.append(plain_candidate(child))


def _scan_zip(path: Path, found: list[Candidate], notes: list[str]) -> None:
    try:
        entries = zip_entries(path)
    except (zipfile.BadZipFile, OSError):
        found.append(plain_candidate(path))
        return
    if not _read_download(entries, found, notes):
        found.append(plain_candidate(path))


def _read_download(entries: list[Entry], found: list[Candidate], notes: list[str]) -> bool:
    """Add the candidates of an LMS download; False if ``entries`` are not one."""
    reader = reader_for(entries)
    if reader is None:
        return False
    more, why = reader.read(entries)
    found += more
    notes += why
    return True


def plain_candidate(path: Path) -> Candidate:
    """A file given as it is: the student is the file's stem. It has no submission time (a file's
    modification time says when it was copied, not when it was submitted), so it is never late."""
    try:
        st = path.stat()
        size, mtime = st.st_size, datetime.fromtimestamp(st.st_mtime).astimezone()
    except OSError:
        size, mtime = 0, None
    entry = Entry(PurePosixPath(path.name), size, mtime, file_path=path.resolve() if path.exists() else path)
    identity = StudentIdentity(key=file_key(path.stem), source="files")
    return Candidate(identity, entry, None, (mtime.timestamp() if mtime else 0.0,), f"file:{entry.origin}")


def _unique_plain_keys(found: list[Candidate]) -> list[Candidate]:
    seen: dict[str, int] = {}
    out = []
    for c in found:
        if c.identity.source == "files":
            seen[c.key] = seen.get(c.key, 0) + 1
            if seen[c.key] > 1:
                c = dataclasses.replace(c, identity=dataclasses.replace(c.identity, key=f"{c.key}-{seen[c.key]}"))
        out.append(c)
    return out


def choose(found: list[Candidate], notes: list[str]) -> Collection:
    """Per student, the best file of the best-ranked submission; older submissions are superseded."""
    found = _unique_plain_keys(found)
    by_key: dict[str, dict[str, list[Candidate]]] = {}
    for c in found:
        by_key.setdefault(c.key, {}).setdefault(c.group, []).append(c)
    out = Collection(notes=list(notes))
    for key, groups in by_key.items():
        best_of = sorted((max(files, key=_order) for files in groups.values()), key=_order)
        best = best_of[-1]
        out.chosen.append(best)
        out.superseded += [Superseded(c, best) for c in best_of[:-1]]
        extra = sorted(c.filename for c in groups[best.group] if c is not best)
        if extra:
            out.notes.append(f"{key}: graded {best.filename}; not graded (same submission): {', '.join(extra)}")
    return out


def _order(c: Candidate) -> tuple:
    return c.rank, c.entry.origin
