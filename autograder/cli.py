"""The ``autograder`` command line: it only parses and prints; one module per command in ``commands/``."""

from __future__ import annotations

import argparse
import importlib
import sys
from pathlib import Path

COMMANDS = ("grade", "export", "audit", "package", "list", "marks", "similarity", "push")


def config_option(parser: argparse.ArgumentParser, default: object) -> None:
    parser.add_argument("--config", type=Path, default=default, metavar="PATH",
                        help="grading_config.yaml (default: found from the working directory upwards)")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="autograder", description="Grade Generative Networks notebooks.")
    config_option(parser, None)
    common = argparse.ArgumentParser(add_help=False)
    config_option(common, argparse.SUPPRESS)  # also accepted after the command, where people type it
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for name in COMMANDS:
        importlib.import_module(f"autograder.commands.{name}").add_parser(sub, [common])
    return parser


def main(argv: list[str] | None = None) -> int:
    from autograder.config import ConfigError
    from autograder.testing.setup import AuthorError

    args = build_parser().parse_args(argv)
    try:
        return int(args.run(args))
    except (ConfigError, AuthorError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
