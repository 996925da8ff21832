"""The spec, clause by clause: ``solutions/<a>/clauses.yaml`` read, checked against the audit's grading,
and the clause table (clause -> its mutants -> the tests of its question failing on them; alternatives ->
their score). Format: /work/notes/clauses-format.md.

errors (the audit fails):
  ``clauses``             the file is missing, unreadable or malformed (an entry lacks id/question/text, has an
                          unknown key, repeats an id, or names no question of the assignment);
  ``clause-empty``        a clause lists neither mutants nor alternatives;
  ``clause-unknown-file`` a listed mutant or alternative file does not exist;
  ``clause-escapes``      a listed mutant keeps full marks on its own question (no test of it fails);
  ``clause-alternative``  a listed alternative does not score full marks.
warning:
  ``clause-unlisted``     a mutant file that no clause lists.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ConfigDict, ValidationError, field_validator

from autograder.audit.finding import Finding
from autograder.audit.matrix import Matrix
from autograder.scoring.results import SubmissionResult

FILE_NAME = "clauses.yaml"
CLAUSE_CHECKS = ("clauses", "clause-empty", "clause-unknown-file", "clause-escapes", "clause-alternative")


class Clause(BaseModel):
    """One normative clause of the spec and the submissions that prove a hidden test checks it."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    id: str
    question: str
    text: str
    mutants: tuple[str, ...] = ()
    alternatives: tuple[str, ...] = ()

    @field_validator("id", "question", "text")
    @classmethod
    def _not_blank(cls, value: str) -> str:
        if not value.strip():
            raise ValueError("must not be empty")
        return value

    @field_validator("mutants", "alternatives", mode="before")
    @classmethod
    def _stems(cls, value: Any) -> Any:
        return () if value is None else value


@dataclass(frozen=True)
class MutantCell:
    """A listed mutant: whether its file exists, and the tests of its own question that fail on it."""

    name: str
    exists: bool
    graded: bool = False
    failing: tuple[str, ...] = ()
    caught: bool = False


@dataclass(frozen=True)
class AlternativeCell:
    """A listed alternative: whether its file exists, and its score when graded."""

    name: str
    exists: bool
    score: str = ""
    full: bool = False


@dataclass(frozen=True)
class ClauseRow:
    clause: Clause
    mutants: tuple[MutantCell, ...]
    alternatives: tuple[AlternativeCell, ...]


@dataclass
class ClauseTable:
    """What the audit knows about the assignment's clauses."""

    path: Path
    rows: list[ClauseRow] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)  # the file itself: missing, unreadable, malformed entries
    unlisted: list[str] = field(default_factory=list)  # mutant files no clause lists

    def rows_for(self, question: str) -> list[ClauseRow]:
        return [r for r in self.rows if r.clause.question == question]


def clauses_path(solution_dir: Path) -> Path:
    return solution_dir / FILE_NAME


def load_clauses(path: Path, questions: list[str]) -> tuple[list[Clause], list[str]]:
    """The valid clauses of ``path`` and one message per problem (naming the entry)."""
    if not path.is_file():
        return [], [f"{path.name} is missing: every normative clause of the spec needs an entry "
                    f"(id, question, text, mutants or alternatives)"]
    try:
        data = yaml.safe_load(path.read_text())
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
        return [], [f"{path.name} cannot be read: {exc}".splitlines()[0]]
    entries = data.get("clauses") if isinstance(data, dict) else None
    if not isinstance(entries, list) or not entries:
        return [], [f"{path.name} must be a mapping with a non-empty list under 'clauses'"]
    clauses: list[Clause] = []
    problems: list[str] = []
    seen: set[str] = set()
    for number, entry in enumerate(entries, 1):
        where = entry_name(number, entry)
        if not isinstance(entry, dict):
            problems.append(f"{where}: is not a mapping")
            continue
        try:
            clause = Clause.model_validate(entry)
        except ValidationError as exc:
            problems.append(f"{where}: " + "; ".join(
                f"{'.'.join(str(p) for p in e['loc']) or 'entry'}: {e['msg'].lower()}" for e in exc.errors()))
            continue
        if clause.id in seen:
            problems.append(f"{where}: the id {clause.id!r} repeats")
            continue
        seen.add(clause.id)
        if clause.question not in questions:
            problems.append(f"{where}: question {clause.question!r} is not one of {', '.join(questions)}")
            continue
        clauses.append(clause)
    return clauses, problems


def entry_name(number: int, entry: Any) -> str:
    ident = entry.get("id") if isinstance(entry, dict) else None
    return f"entry {number}" + (f" ({ident})" if isinstance(ident, str) else "")


def clause_table(path: Path, questions: list[str], matrix: Matrix, alternatives: dict[str, SubmissionResult],
                 mutant_dir: Path, alternative_dir: Path) -> ClauseTable:
    """Each clause with its mutants (the failing tests of their own question) and its alternatives (their score)."""
    clauses, problems = load_clauses(path, questions)
    graded = {m.name: m for m in matrix.mutants}
    rows = []
    for clause in clauses:
        mutants = []
        for name in clause.mutants:
            m = graded.get(name)
            if m is None:
                mutants.append(MutantCell(name, (mutant_dir / f"{name}.py").is_file()))
                continue
            own = {t.test_id for t in matrix.tests_for(m.question)}
            failing = tuple(t for t in m.failed if t in own)
            mutants.append(MutantCell(name, True, m.error is None, failing, m.caught and m.error is None))
        alts = []
        for name in clause.alternatives:
            r = alternatives.get(name)
            exists = (alternative_dir / f"{name}.py").is_file()
            alts.append(AlternativeCell(name, exists) if r is None else AlternativeCell(
                name, exists, f"{r.total:g}/{r.max_total:g}", r.error is None and r.total == r.max_total))
        rows.append(ClauseRow(clause, tuple(mutants), tuple(alts)))
    listed = {name for c in clauses for name in c.mutants}
    unlisted = sorted(p.stem for p in mutant_dir.glob("*.py") if p.stem not in listed) \
        if mutant_dir.is_dir() and path.is_file() else []
    return ClauseTable(path, rows, problems, unlisted)


def clause_findings(table: ClauseTable) -> list[Finding]:
    """The audit's findings about the clause file and every clause (see the module docstring)."""
    name = table.path.name
    out = [Finding("error", "clauses", name, p) for p in table.problems]
    for row in table.rows:
        c = row.clause
        if not row.mutants and not row.alternatives:
            out.append(Finding("error", "clause-empty", c.id, "lists no mutant (a submission that violates it alone) "
                                                               "and no alternative; add one"))
        for m in row.mutants:
            if not m.exists:
                out.append(Finding("error", "clause-unknown-file", c.id,
                                   f"mutant {m.name}: no file mutants/{m.name}.py"))
            elif not m.graded:
                out.append(Finding("error", "clause-escapes", c.id, f"mutant {m.name} was not graded (see the mutant "
                                                                    f"file names and grading errors)"))
            elif not m.caught:
                out.append(Finding("error", "clause-escapes", c.id,
                                   f"mutant {m.name} keeps full marks on its question: no hidden test checks "
                                   f"\"{c.text}\""))
        for a in row.alternatives:
            if not a.exists:
                out.append(Finding("error", "clause-unknown-file", c.id,
                                   f"alternative {a.name}: no file alternatives/{a.name}.py"))
            elif not a.full:
                out.append(Finding("error", "clause-alternative", c.id,
                                   f"alternative {a.name} scored {a.score or 'nothing (not graded)'}, "
                                   f"not full marks: a test rejects what \"{c.text}\" allows"))
    out += [Finding("warning", "clause-unlisted", f"mutants/{m}.py", "no clause lists this mutant")
            for m in table.unlisted]
    return out


def short_test(test_id: str) -> str:
    """``hidden/test_x.py::test_y[case]`` -> ``test_y[case]``."""
    return test_id.rsplit("::", 1)[-1]


def listing(names: list[str], shown: int = 3) -> str:
    """The first ``shown`` names, then how many more (audit.html lists them all)."""
    more = f" (+{len(names) - shown} more)" if len(names) > shown else ""
    return ", ".join(names[:shown]) + more


def table_lines(table: ClauseTable, questions: list[str]) -> list[str]:
    """The clause table as text: clause -> mutants -> failing tests; alternatives -> score."""
    lines = [f"clause table ({table.path.name}: clause -> its mutants -> the tests of its question failing on "
             f"them; alternatives -> their score)"]
    for q in questions:
        rows = table.rows_for(q)
        lines += ["", f"{q}: {len(rows)} clauses"]
        for row in rows:
            lines.append(f"  {row.clause.id}")
            for m in row.mutants:
                tests = listing([short_test(t) for t in m.failing]) if m.caught else (
                    "NO FILE" if not m.exists else "NOT GRADED" if not m.graded else "ESCAPES (no test fails)")
                lines.append(f"      {m.name} -> {tests}")
            for a in row.alternatives:
                score = a.score if a.exists else "NO FILE"
                lines.append(f"      alternative {a.name} -> {score}{'' if a.full or not a.exists else ' NOT FULL'}")
            if not row.mutants and not row.alternatives:
                lines.append("      NOTHING LISTED")
    return lines


def summary(table: ClauseTable) -> str:
    """What the clause check looked at, in a few words."""
    caught = sum(all(m.caught for m in r.mutants) and all(a.full for a in r.alternatives)
                 and bool(r.mutants or r.alternatives) for r in table.rows)
    return f"{caught}/{len(table.rows)} clauses proven, {len(table.problems)} file problem(s)"
