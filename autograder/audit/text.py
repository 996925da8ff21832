"""The audit as plain text for the terminal: the catch matrix per question, then checks and flags."""

from __future__ import annotations

from dataclasses import dataclass

from autograder.audit.clauses import CLAUSE_CHECKS, summary, table_lines
from autograder.audit.finding import Finding
from autograder.audit.report import AuditReport

ID_WIDTH = 72
CHECKS = (  # (label, the checks whose findings it summarises)
    ("reference scores the maximum when graded as students are", ("reference",)),
    ("reference under every run seed: no false failure", ("flaky",)),
    ("untouched student notebook scores 0", ("untouched",)),
    ("mutant files are named <question>__<mistake>.py", ("mutant-name",)),
    ("every mutant loses points on its own question, and only there",
     ("mutant-escapes", "mutant-off-target", "mutant-ungraded", "mutant-uncaught")),
    ("legitimate alternatives score the maximum", ("alternative",)),
    ("flag: mutants no test catches", ("mutant-uncaught",)),
    ("flag: questions whose tests are all public", ("public-only",)),
    ("flag: questions without mutants", ("no-mutants",)),
    ("grading workers ran without failing", ("grader",)),
    ("every spec clause is proven: its mutants lose points on its question, its alternatives score the maximum "
     "(clauses.yaml)", CLAUSE_CHECKS),
    ("flag: mutants no clause lists (warning only)", ("clause-unlisted",)),
    ("flag: tests that catch no mutant (warning only)", ("idle-test",)),
)


def short(text: str, width: int = ID_WIDTH) -> str:
    return text if len(text) <= width else text[: width // 2 - 1] + "…" + text[-(width - width // 2):]


def header(r: AuditReport) -> str:
    tests = r.matrix.tests
    seeds = f"{r.run_seeds[0]}..{r.run_seeds[-1]}" if r.run_seeds else "none"
    return (f"audit {r.assignment}: {len(r.questions)} questions, {len(tests)} tests "
            f"({sum(t.public for t in tests)} public), {len(r.matrix.mutants)} mutants, {len(r.alternatives)} "
            f"alternatives; reference under {len(r.run_seeds)} run seeds ({seeds}), host seed {r.host_seed}; "
            f"{r.workers} worker(s), {r.seconds:.0f} s")


def matrix_lines(r: AuditReport) -> list[str]:
    lines = ["catch matrix (x: the test fails on the mutant; columns: the question's mutants, numbered below)"]
    for q in r.questions:
        tests, mutants = r.matrix.tests_for(q), r.matrix.mutants_for(q)
        lines += ["", f"{q}: {len(tests)} tests, {len(mutants)} mutants"]
        width = min(ID_WIDTH, max([len(t.test_id) for t in tests] + [10]))
        lines.append(" " * (width + 4) + "".join(f"{i:>3}" for i in range(1, len(mutants) + 1)))
        for t in tests:
            cells = "".join("  x" if t.test_id in m.failed else "  ." for m in mutants)
            lines.append(f"  {short(t.test_id, width):<{width}}  {cells}")
        lines.append(f"  {'tests catching it':<{width}}  " + "".join(f"{sum(t.test_id in m.failed for t in tests):>3}"
                                                                  for m in mutants))
        lines += [f"  {i:>3} {m.name}: {m.description}" for i, m in enumerate(mutants, 1)]
    return lines


def counts(r: AuditReport) -> dict[str, str]:
    """What each check looked at, by its first check name."""
    full = lambda results: sum(x.error is None and x.total == x.max_total for x in results)  # noqa: E731
    m = r.matrix
    return {
        "reference": f"{r.reference.total:g}/{r.reference.max_total:g}" if r.reference else "not graded",
        "flaky": f"{full(r.seeded.values())}/{len(r.seeded)} runs at full marks",
        "untouched": f"{r.untouched.total:g}/{r.untouched.max_total:g}" if r.untouched else "missing",
        "mutant-name": f"{len(m.mutants)} graded, {len(r.naming)} badly named",
        "mutant-escapes": f"{sum(x.caught and not x.off_target and not x.error for x in m.mutants)}/{len(m.mutants)}",
        "alternative": f"{full(r.alternatives.values())}/{len(r.alternatives)} at full marks",
        "mutant-uncaught": f"{sum(not x.failed for x in m.mutants)} of {len(m.mutants)}",
        "public-only": f"{sum(all(t.public for t in m.tests_for(q)) for q in m.questions())} of {len(r.questions)}",
        "no-mutants": f"{sum(not m.mutants_for(q) for q in r.questions)} of {len(r.questions)}",
        "clauses": summary(r.clauses) if r.clauses else "not checked",
        "clause-unlisted": f"{len(r.clauses.unlisted)} of {len(m.mutants)}" if r.clauses else "not checked",
        "idle-test": f"{sum(bool(m.mutants_for(t.question)) and not m.catches(t) for t in m.tests)} of "
                     f"{len(m.tests)}",
    }


@dataclass(frozen=True)
class CheckLine:
    """One line of the summary: a check's status, what it looked at, and its findings not shown above."""

    label: str
    status: str  # ok, WARN, FAIL
    detail: str
    findings: list[Finding]
    shown_above: int


def check_lines(r: AuditReport) -> list[CheckLine]:
    seen = counts(r)
    shown: set[int] = set()
    out = []
    for label, names in CHECKS:
        found = [f for f in r.findings if f.check in names]
        status = "ok" if not found else ("WARN" if all(f.level == "warning" for f in found) else "FAIL")
        new = [f for f in found if id(f) not in shown]
        shown.update(id(f) for f in found)
        out.append(CheckLine(label, status, seen.get(names[0], ""), new, len(found) - len(new)))
    return out


def summary_lines(r: AuditReport) -> list[str]:
    lines = ["checks and flags"]
    for c in check_lines(r):
        lines.append(f"  {c.status:<4}  {c.label}" + (f": {c.detail}" if c.detail else ""))
        lines += [f"          {finding_text(f)}" for f in c.findings]
        if c.shown_above:
            lines.append(f"          ({c.shown_above} listed above)")
    verdict = "PASS" if r.passed else "FAIL"
    lines.append(f"{verdict}: {r.assignment}: {len(r.errors)} error(s), {len(r.warnings)} warning(s)")
    return lines


def finding_text(f: Finding) -> str:
    return f"{f.subject}: {f.message}"


def render_text(r: AuditReport) -> str:
    clauses = [*table_lines(r.clauses, r.questions), ""] if r.clauses else []
    return "\n".join([header(r), "", *matrix_lines(r), "", *clauses, *summary_lines(r)])
