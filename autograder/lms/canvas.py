"""Canvas "Download Submissions": flat files ``<login>_[LATE_]<user id>_<submission id>_<original name>``.

Canvas adds ``-N`` before the extension of a file uploaded again under the same name
(``hw3-1.ipynb``). Every gradable file is a candidate: the highest submission id counts, then the
highest ``-N``, then a notebook before a script. The names carry no time; a file's time is its
zip entry's (or, unpacked, the file's) time.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from autograder.gradebook.model import StudentIdentity
from autograder.lms.keys import safe_key
from autograder.lms.model import Candidate, suffix_rank
from autograder.lms.tree import Entry

NAME = re.compile(r"^(?P<login>[^_/]+)_(?:(?P<late>LATE)_)?(?P<user>\d+)_(?P<sub>\d+)_(?P<original>.+)$")
RESUBMITTED = re.compile(r"^(?P<base>.+)-(?P<n>\d+)(?P<ext>\.[^.]+)$")


@dataclass(frozen=True)
class CanvasName:
    """The parts of a Canvas download file name."""

    login: str
    late: bool
    user_id: str
    submission_id: int
    original: str  # without Canvas's -N suffix
    resubmission: int  # the -N suffix, 0 when absent
    uploaded: str = ""  # the name part as it appears in the download (with any -N suffix)


def parse_name(name: str) -> CanvasName | None:
    """Split a Canvas file name into its parts, or None if it is not one."""
    m = NAME.match(name)
    if m is None:
        return None
    original, n = m["original"], 0
    r = RESUBMITTED.match(original)
    if r is not None:
        original, n = r["base"] + r["ext"], int(r["n"])
    return CanvasName(m["login"], m["late"] is not None, m["user"], int(m["sub"]), original, n, m["original"])


def is_canvas(entries: list[Entry]) -> bool:
    """A flat download whose every gradable file is named the Canvas way."""
    top = [e for e in entries if len(e.relpath.parts) == 1 and e.gradable]
    return bool(top) and all(parse_name(e.name) is not None for e in top)


def candidates(entries: list[Entry]) -> list[Candidate]:
    out = []
    for e in entries:
        parsed = parse_name(e.name) if len(e.relpath.parts) == 1 and e.gradable else None
        if parsed is None:
            continue
        identity = StudentIdentity(key=safe_key(parsed.login), login=parsed.login, lms_id=parsed.user_id,
                                   source="canvas")
        when = e.mtime.timestamp() if e.mtime else 0.0
        rank = (float(parsed.submission_id), float(parsed.resubmission), suffix_rank(e.name), when)
        out.append(Candidate(identity, e, e.mtime, rank, f"canvas:{e.name}",
                             late=parsed.late, label=f"Canvas submission {parsed.submission_id}",
                             original=parsed.uploaded))
    return out
