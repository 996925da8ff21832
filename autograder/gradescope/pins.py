"""Exact versions for the grading environment: what the ``autograder`` package needs, transitively,
pinned to this project's ``constraints.txt`` (checked against what is installed here)."""

from __future__ import annotations

import importlib.metadata as md
from pathlib import Path

from packaging.requirements import Requirement
from packaging.utils import canonicalize_name
from packaging.version import Version

CPU_TORCH_INDEX = "https://download.pytorch.org/whl/cpu"
FREEZE_SKIPS = {"pip", "setuptools", "wheel", "distribute"}  # ``pip freeze`` leaves these out of constraints.txt


class PinError(Exception):
    """A package the grader needs has no pin in constraints.txt, or the installed one differs."""


def read_constraints(path: Path) -> dict[str, str]:
    """``name==version`` lines of a constraints file, by canonical name."""
    pins = {}
    for line in path.read_text().splitlines():
        line = line.split("#", 1)[0].strip()
        if "==" in line:
            name, version = (s.strip() for s in line.split("==", 1))
            pins[str(canonicalize_name(name))] = version
    return pins


def closure(top: str = "autograder") -> dict[str, set[str]]:
    """Every distribution ``top`` needs (name -> extras asked for), from the installed metadata."""
    needed: dict[str, set[str]] = {}
    todo: list[tuple[str, frozenset[str]]] = [(top, frozenset())]
    while todo:
        name, extras = todo.pop()
        key = canonicalize_name(name)
        known = needed.get(key)
        if known is not None and extras <= known:
            continue
        needed[key] = (known or set()) | extras
        for text in md.requires(name) or []:
            req = Requirement(text)
            if req.marker is not None and not any(req.marker.evaluate({"extra": e}) for e in (extras or {""})):
                continue
            todo.append((req.name, frozenset(req.extras)))
    needed.pop(canonicalize_name(top))
    return needed


def pinned_requirements(constraints: Path, top: str = "autograder") -> list[str]:
    """``name[extras]==version`` for the whole closure of ``top``, sorted; raises PinError on a gap.

    The version is the installed one (``2.13.0+cpu`` for a CPU build of PyTorch), which must equal
    the constraints pin apart from a local ``+tag``; ``pip freeze`` omits the packaging tools, so
    those are pinned to the installed version alone.
    """
    pins = read_constraints(constraints)
    lines, problems = [], []
    for name, extras in sorted(closure(top).items()):
        installed = md.version(name)
        pin = pins.get(name)
        if pin is None and name in FREEZE_SKIPS:
            pass  # pinned to the installed version
        elif pin is None:
            problems.append(f"{name} (installed {installed}) has no pin in {constraints.name}")
        elif Version(installed).public != Version(pin).public:
            problems.append(f"{name}: installed {installed}, but {constraints.name} pins {pin}")
        extra = f"[{','.join(sorted(extras))}]" if extras else ""
        lines.append(f"{name}{extra}=={installed}")
    if problems:
        raise PinError("the grading environment cannot be pinned:\n  " + "\n  ".join(problems))
    return lines


def index_options(requirements: list[str]) -> list[str]:
    """pip options the pins need: PyTorch's CPU builds (``+cpu``) come from PyTorch's own index."""
    return [f"--extra-index-url {CPU_TORCH_INDEX}"] if any("+cpu" in r for r in requirements) else []
