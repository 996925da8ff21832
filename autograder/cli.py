"""The ``autograder`` command line: one module per command in ``autograder/commands/``."""

from __future__ import annotations

import argparse
import importlib
import sys
from pathlib import Path

COMMANDS = ("grade", "package", "audit", "export")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="autograder", description="Grade Generative Networks notebooks.")
    parser.add_argument("--config", type=Path, default=None,
                        help="grading_config.yaml (default: found from the working directory upwards)")
    sub = parser.add_subparsers(dest="command", required=True)
    for name in COMMANDS:
        importlib.import_module(f"autograder.commands.{name}").add_parser(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    from autograder.config import ConfigError
    from autograder.testing.runner import AuthorError

    args = build_parser().parse_args(argv)
    try:
        return args.run(args)
    except (ConfigError, AuthorError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
