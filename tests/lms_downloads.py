"""Small LMS bulk downloads for the tests, built from the bundled style_transfer submissions.

Each builder writes a zip laid out exactly as the LMS names its files, and returns what a grader
should read from it.
"""

from __future__ import annotations

import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ROOT / "examples" / "style_transfer"
FULL = (EXAMPLES / "full_marks.ipynb").read_bytes()
PARTLY = (EXAMPLES / "partly_wrong.ipynb").read_bytes()
BROKEN = (EXAMPLES / "broken.ipynb").read_bytes()
REFERENCE = (ROOT / "solutions" / "style_transfer" / "solution.py").read_bytes()


def write_zip(path: Path, members: list[tuple[str, bytes, tuple[int, ...]]]) -> Path:
    """A zip of ``(name, data, date_time)`` members; folders get their own entries, as LMS zips have."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        folders = sorted({n.rsplit("/", 1)[0] + "/" for n, _, _ in members if "/" in n})
        for folder in folders:
            zf.writestr(zipfile.ZipInfo(folder, (2024, 3, 1, 0, 0, 0)), b"")
        for name, data, when in members:
            zf.writestr(zipfile.ZipInfo(name, when), data)
    return path


def canvas_zip(path: Path) -> Path:
    """doejane submitted twice (the later one LATE); smithbob re-uploaded under the same name (-1)."""
    t = (2024, 3, 2, 9, 0, 0)
    return write_zip(path, [
        ("doejane_12345_678901_style_transfer.ipynb", FULL, t),
        ("doejane_LATE_12345_678950_style_transfer.ipynb", PARTLY, (2024, 3, 4, 9, 0, 0)),
        ("smithbob_23456_678902_style_transfer.ipynb", BROKEN, t),
        ("smithbob_23456_678902_style_transfer-1.ipynb", FULL, t),
        ("smithbob_23456_678902_notes.txt", b"my notes", t),
        ("leeann_34567_678903_solution.py", REFERENCE, t),
    ])


def moodle_zip(path: Path) -> Path:
    """Jane uploaded two notebooks (the newer counts); Ana's name is not ASCII; one online text."""
    jane = "Jane Doe_1001_assignsubmission_file_"
    ana = "Ana María Núñez_1002_assignsubmission_file_"
    return write_zip(path, [
        (f"{jane}/style_transfer.ipynb", FULL, (2024, 3, 1, 10, 0, 0)),
        (f"{jane}/style_transfer_fixed.ipynb", PARTLY, (2024, 3, 1, 12, 30, 0)),
        ("Jane Doe_1001_assignsubmission_onlinetext_/onlinetext.html", b"<p>see file</p>", (2024, 3, 1, 12, 0, 0)),
        (f"{ana}/solution.py", REFERENCE, (2024, 3, 1, 11, 0, 0)),
    ])


GRADESCOPE_METADATA = """\
---
submission_9001:
  :submitters:
  - :name: Jane Doe
    :sid: '111'
    :email: jane.doe@example.edu
  :created_at: 2024-03-01 17:02:03.123456000 -08:00
  :score: 0.0
  :status: processed
  :history: []
submission_9002:
  :submitters:
  - :name: Jane Doe
    :sid: '111'
    :email: jane.doe@example.edu
  :created_at: 2024-03-02 08:15:00.000000000 -08:00
  :score: 0.0
  :status: processed
  :history: []
submission_9003:
  :submitters:
  - :name: Bob Smith
    :sid: ''
    :email: bob.smith@example.edu
  - :name: Carol King
    :sid: '333'
    :email: carol.king@example.edu
  :created_at: 2024-03-01 09:00:00.000000000 -08:00
  :score: 0.0
  :status: processed
  :history: []
"""


def gradescope_zip(path: Path) -> Path:
    """Jane submitted twice (the later created_at counts); Bob and Carol submitted as a group."""
    root = "assignment_4242_export"
    t = (2024, 3, 3, 0, 0, 0)
    return write_zip(path, [
        (f"{root}/submission_metadata.yml", GRADESCOPE_METADATA.encode(), t),
        (f"{root}/submission_9001/style_transfer.ipynb", FULL, t),
        (f"{root}/submission_9002/style_transfer.ipynb", PARTLY, t),
        (f"{root}/submission_9003/solution.py", REFERENCE, t),
        (f"{root}/submission_9003/README.md", b"group work", t),
    ])
