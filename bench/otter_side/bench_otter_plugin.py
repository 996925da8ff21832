"""Otter plugin (grader process): append a cell that runs the hidden pytest suite in the student's
kernel (``otter_student_shim.main``), then add its verdicts to Otter's results as one test file.

The pattern of shared/research/otter.md section 4.2. ``BENCH_OTTER_ROWS`` (optional) names a file
that receives a copy of the verdicts, for the benchmark's agreement check.
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from typing import Any

import nbformat
from otter.plugins import AbstractOtterPlugin
from otter.test_files.abstract_test import TestCase, TestCaseResult
from otter.test_files.exception_test import ExceptionTestFile

FIRST_CELL = "import time as _otr_time\n_otr_t_cells = _otr_time.time()"  # when the student's cells start
CELL = "import otter_student_shim as _otr_shim\n_otr_shim.main(globals(), {config!r}, {out!r})"
NAME = "hidden-tests"


class PytestPlugin(AbstractOtterPlugin):
    """Hidden pytest tests through the in-kernel shim."""

    _path: str | None = None

    def _out(self) -> str:
        if self._path is None:
            fd, self._path = tempfile.mkstemp(prefix="otr-rows-", suffix=".json")
            os.close(fd)
            os.remove(self._path)
        return self._path

    def before_execution(self, submission: Any) -> Any:
        submission.cells.insert(0, nbformat.v4.new_code_cell(FIRST_CELL))
        submission.cells.append(nbformat.v4.new_code_cell(CELL.format(config=dict(self.plugin_config),
                                                                      out=self._out())))
        return submission

    def after_grading(self, results: Any) -> None:
        path = self._out()
        if os.path.exists(path):
            with open(path) as f:
                data = json.load(f)
            if os.environ.get("BENCH_OTTER_ROWS"):
                shutil.copyfile(path, os.environ["BENCH_OTTER_ROWS"])
            os.remove(path)
        else:  # the cell never ran (kernel died)
            data = {"rc": -1, "rows": [{"nodeid": "hidden tests did not run", "passed": False, "points": 0.0,
                                        "hidden": True, "message": ""}]}
        cases, verdicts = [], []
        for row in data["rows"]:
            case = TestCase(name=row["nodeid"], body=None, hidden=True, points=row["points"],
                            success_message=None, failure_message=None)
            cases.append(case)
            verdicts.append(TestCaseResult(test_case=case, passed=row["passed"],
                                           message="passed" if row["passed"] else row["message"]))
        test_file = ExceptionTestFile(NAME, "pytest", cases, all_or_nothing=False)
        test_file.test_case_results = verdicts
        results.results[NAME] = test_file
