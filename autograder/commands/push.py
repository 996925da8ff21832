"""``autograder push canvas --assignment NAME --course ID --canvas-assignment ID [--canvas-url URL] [--yes]``:
scores and a feedback comment per student straight into Canvas (``autograder.exports.canvas_push``).

The API token comes from the environment variable ``CANVAS_API_TOKEN`` only (never an option or a file);
the URL from ``--canvas-url`` or ``CANVAS_URL``. Without ``--yes`` it is a dry run: it reads Canvas and
prints what would change (new, changed, unchanged, unmatched), posting nothing. Exit 2 when Canvas, the
token or the gradebook cannot be used; the gradebook is only read.
"""

from __future__ import annotations

import argparse
import os
import sys


def add_parser(sub: argparse._SubParsersAction, parents: list[argparse.ArgumentParser]) -> None:
    from autograder.commands.tutor import gradebook_options

    p = sub.add_parser("push", parents=parents, help="grades straight into an LMS: Canvas (dry run unless --yes)")
    targets = p.add_subparsers(dest="target", required=True, metavar="LMS")
    c = targets.add_parser("canvas", parents=parents, help="Canvas, through its REST API",
                           description="Post each student's late-adjusted score and a feedback comment to a Canvas "
                                       "assignment. Token: the CANVAS_API_TOKEN environment variable.")
    gradebook_options(c)
    c.add_argument("--course", required=True, help="the Canvas course id (the number in /courses/<id>)")
    c.add_argument("--canvas-assignment", required=True,
                   help="the Canvas assignment id (the number in /courses/<course>/assignments/<id>)")
    c.add_argument("--canvas-url", default=None, help="your Canvas, e.g. https://canvas.example.edu (default: "
                                                      "the CANVAS_URL environment variable)")
    c.add_argument("--out-of", type=float, default=None,
                   help="rescale scores to this many points (default: the Canvas assignment's points possible)")
    c.add_argument("--yes", action="store_true", help="post the changes (default: a dry run that posts nothing)")
    c.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from autograder.commands.tutor import load
    from autograder.exports.canvas_push import TOKEN_VARIABLE, URL_VARIABLE, PushError, plan_push, post, read_canvas

    token = os.environ.get(TOKEN_VARIABLE, "").strip()
    url = (args.canvas_url or os.environ.get(URL_VARIABLE, "")).strip().rstrip("/")
    if not token:
        print(f"error: set the environment variable {TOKEN_VARIABLE} to a Canvas access token (Canvas: Account > "
              f"Settings > New access token); it is never read from the command line or a file", file=sys.stderr)
        return 2
    if not url:
        print(f"error: give --canvas-url URL (or set {URL_VARIABLE})", file=sys.stderr)
        return 2
    loaded = load(args)
    if loaded is None:
        return 2
    data, _ = loaded
    try:
        name, possible, canvas = read_canvas(url, token, args.course, args.canvas_assignment)
    except PushError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    plan = plan_push(data, args.course, args.canvas_assignment, name, possible, canvas, args.out_of)
    print(f"Canvas {url}, course {args.course}, assignment {args.canvas_assignment} ({name!r}, "
          f"{'no points possible' if possible is None else f'{possible:g} points possible'}):")
    for p in sorted(plan.students, key=lambda p: (("new", "changed", "unmatched", "unchanged").index(p.status),
                                                  p.student)):
        print(p.line())
    for note in plan.notes:
        print(f"note: {note}", file=sys.stderr)
    counts = ", ".join(f"{plan.count(s)} {s}" for s in ("new", "changed", "unchanged", "unmatched"))
    others = f"; {plan.not_in_gradebook} Canvas student(s) without a graded submission here, left alone" \
        if plan.not_in_gradebook else ""
    if not args.yes:
        print(f"dry run: {counts}{others}; nothing was posted (run again with --yes to post "
              f"{len(plan.to_post)} student(s))", file=sys.stderr)
        return 0
    try:
        posted = post(plan, url=url)
    except PushError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    print(f"posted to Canvas: {counts}{others}; {posted} student(s) posted", file=sys.stderr)
    return 0
