"""Split a solution-like source (reference plus a variant) into the notebook's answer cells."""

from __future__ import annotations

import ast


def _segment(source: str, node: ast.stmt) -> str:
    """The statement's source, decorators included."""
    lines = source.splitlines()
    first = min([node.lineno, *(d.lineno for d in getattr(node, "decorator_list", []))])
    assert node.end_lineno is not None
    return "\n".join(lines[first - 1:node.end_lineno])


def split_source(source: str, questions: list[str]) -> tuple[str, dict[str, str]]:
    """(preamble, question -> its last definition). The preamble is everything else (imports,
    helpers, constants; the last definition of each helper wins), in order."""
    tree = ast.parse(source)
    defs: dict[str, str] = {}
    preamble: dict[str, str] = {}
    for node in tree.body:
        if isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant) and isinstance(node.value.value, str):
            continue  # module docstrings
        text = _segment(source, node)
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            if node.name in questions:
                defs[node.name] = text
            else:
                preamble.pop(f"def:{node.name}", None)
                preamble[f"def:{node.name}"] = text
        else:
            preamble.setdefault(f"stmt:{text}", text)
    missing = [q for q in questions if q not in defs]
    if missing:
        raise ValueError(f"no definition of {missing}")
    return "\n".join(preamble.values()).strip(), {q: defs[q] for q in questions}


def with_infinite_loop(function_source: str) -> str:
    """The function with an endless loop before its first real statement (a forgotten update)."""
    tree = ast.parse(function_source)
    fn = next(n for n in tree.body if isinstance(n, ast.FunctionDef))
    body = fn.body
    first = body[1] if len(body) > 1 and isinstance(body[0], ast.Expr) and \
        isinstance(getattr(body[0], "value", None), ast.Constant) else body[0]
    lines = function_source.splitlines()
    indent = " " * first.col_offset
    loop = [f"{indent}step = 0", f"{indent}while step < 10:  # bug: step is never increased", f"{indent}    pass"]
    at = first.lineno - 1
    return "\n".join(lines[:at] + loop + lines[at:])
