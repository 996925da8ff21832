"""The Jinja environment for the templates in ``autograder/exports/templates/``."""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path

import jinja2

from autograder.exports.table import points

TEMPLATES = Path(__file__).parent / "templates"
MD_SPECIAL = re.compile(r"([\\`*_\[\]<>|~#])")
BACKTICKS = re.compile(r"`+")


def md_escape(text: str) -> str:
    """``text`` as literal Markdown inline text (one line)."""
    return MD_SPECIAL.sub(r"\\\1", " ".join(str(text).split()))


def md_code(text: str) -> str:
    """``text`` as a fenced code block whose fence no backtick run inside it can close."""
    longest = max((len(m) for m in BACKTICKS.findall(text)), default=0)
    fence = "`" * max(3, longest + 1)
    return f"{fence}text\n{text.rstrip()}\n{fence}"


@cache
def environment(markdown: bool) -> jinja2.Environment:
    """HTML templates autoescape; Markdown templates escape with ``md``/``code`` filters instead."""
    env = jinja2.Environment(loader=jinja2.FileSystemLoader(TEMPLATES), autoescape=not markdown,
                             undefined=jinja2.StrictUndefined, trim_blocks=True, lstrip_blocks=True,
                             keep_trailing_newline=True)
    env.filters.update(points=points, md=md_escape, code=md_code)
    return env


def render(name: str, **context: object) -> str:
    return environment(name.endswith(".md.j2")).get_template(name).render(**context)
