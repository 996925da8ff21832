"""Moodle "Download all submissions": a folder ``<Full Name>_<participant id>_assignsubmission_file_``
(or ``_onlinetext_``) per student holding their files; or, with "download submissions in folders"
off, flat files ``<Full Name>_<participant id>_assignsubmission_file_<original name>``.

Every gradable file is its own candidate; a notebook before a script, then the newest file.
"""

from __future__ import annotations

import re

from autograder.gradebook.model import StudentIdentity
from autograder.lms.keys import safe_key
from autograder.lms.model import Candidate, suffix_rank
from autograder.lms.tree import Entry

NAME = re.compile(r"^(?P<name>.+)_(?P<pid>\d+)_assignsubmission_(?P<plugin>[a-z]+)_(?P<rest>.*)$", re.DOTALL)


def student_of(part: str) -> tuple[str, str] | None:
    """``(full name, participant id)`` from a Moodle folder or flat file name, or None."""
    m = NAME.match(part)
    return (m["name"], m["pid"]) if m else None


def is_moodle(entries: list[Entry]) -> bool:
    """Some top-level folder or file is named the Moodle way."""
    return any(student_of(e.relpath.parts[0]) is not None for e in entries)


def candidates(entries: list[Entry], folder_name: str | None = None) -> list[Candidate]:
    """Candidates of a download; ``folder_name`` when ``entries`` are one student's folder."""
    out = []
    for e in entries:
        if not e.gradable:
            continue
        student = student_of(folder_name if folder_name is not None else e.relpath.parts[0])
        if student is None:
            continue
        name, pid = student
        flat = folder_name is None and len(e.relpath.parts) == 1
        identity = StudentIdentity(key=safe_key(f"{name}_{pid}"), name=name, lms_id=pid, source="moodle")
        when = e.mtime.timestamp() if e.mtime else 0.0
        out.append(Candidate(identity, e, e.mtime, (suffix_rank(e.name), when), f"moodle:{pid}:{e.relpath}",
                             label="Moodle", original=_rest(e.name) if flat else ""))
    return out


def _rest(name: str) -> str:
    """The student's own file name inside a flat download's ``<student>_<pid>_assignsubmission_file_<name>``."""
    m = NAME.match(name)
    return m["rest"] if m else ""
