"""``autograder list``: the assignments of grading_config.yaml, one per line (for scripts and the Makefile)."""

from __future__ import annotations

import argparse


def add_parser(sub: argparse._SubParsersAction, parents: list[argparse.ArgumentParser]) -> None:
    p = sub.add_parser("list", parents=parents, help="print the assignments of grading_config.yaml, one per line")
    p.add_argument("--questions", action="store_true", help="also each assignment's questions and points")
    p.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from autograder.config import load_config

    config, _ = load_config(args.config)
    for name, spec in config.assignments.items():
        if args.questions:
            print(f"{name}: " + ", ".join(f"{q} ({p.points:g})" for q, p in spec.questions.items()))
        else:
            print(name)
    return 0
